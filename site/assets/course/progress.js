/* Your own progress on the page, when `course site serve` serves it (grader/site/serve.py).
 *
 * The server puts a token made for its run into every page it serves
 * (<meta name="course-token">); only pages of that origin can read it, and every request to
 * its API under /api/ must carry it back (X-Course-Token). The static site (`course site
 * build`, any web host, a file opened from disk) has no token: then this script does
 * nothing at all, and the pages stay as they are.
 *
 * With the token:
 *
 * - window.CourseServer = { progress(), history(id), checkQuiz(lessonId, questionId, typed) }:
 *   quiz.js, loaded after this script, checks each answer with the course's Python checker
 *   through checkQuiz, which also records the quiz as `course quiz` does;
 * - each page's progress block (<div class="course-progress" data-kind=...>, written by
 *   grader/site/generate.py after the title, hidden in the static site) shows the scores of
 *   its item or lesson and the next step, from the same data as `course progress --json`;
 * - the homework checklist is ticked where that data says an item is passed.
 *
 * Everything from the learner's store is put into the page as text (textContent), never as
 * HTML.
 */
(function () {
  "use strict";

  var meta = document.querySelector('meta[name="course-token"]');
  if (!meta || !meta.content || !window.fetch || !window.Promise) return;
  var token = meta.content;

  function request(path, body) {
    var options = {
      method: body === undefined ? "GET" : "POST",
      headers: { "X-Course-Token": token },
      credentials: "same-origin",
      cache: "no-store",
    };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(path, options).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) throw new Error(data && data.error ? data.error : "HTTP " + response.status);
        return data;
      });
    });
  }

  var CourseServer = {
    progress: function () {
      return request("/api/progress");
    },
    history: function (exerciseId) {
      return request("/api/history/" + encodeURIComponent(exerciseId));
    },
    checkQuiz: function (lessonId, questionId, typed) {
      var path = "/api/quiz/" + encodeURIComponent(lessonId) + "/" + encodeURIComponent(questionId);
      return request(path, { answer: String(typed) }).then(function (result) {
        showRound(result);
        if (result.recorded) refresh();
        return result;
      });
    },
  };
  window.CourseServer = CourseServer;

  // -- Building the block, as text -------------------------------------------------------

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function append(parent) {
    for (var i = 1; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined) continue;
      parent.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return parent;
  }

  function number(value) {
    // As Python's {:g} shows a score: 10, 7.5, 6.66667
    return String(Number(Number(value).toPrecision(6)));
  }

  function scoreText(item) {
    return item.attempts ? number(item.best_score) + "/" + number(item.max_score) : "-";
  }

  function folderOf(lesson) {
    return String(lesson.page || "").replace(/^lessons\//, "").replace(/\/[^\/]*$/, "");
  }

  function itemPage(lesson, item) {
    var folder = "/" + folderOf(lesson) + "/";
    if (item.kind === "exercise") return folder + "exercises/" + item.id + ".html";
    if (item.kind === "quiz") return folder + "quiz.html";
    if (item.kind === "project") return folder + "project.html";
    return folder + "index.html";
  }

  function find(data, itemId) {
    for (var i = 0; i < data.lessons.length; i++) {
      var items = data.lessons[i].items;
      for (var j = 0; j < items.length; j++) {
        if (items[j].id === itemId) return { lesson: data.lessons[i], item: items[j] };
      }
    }
    return null;
  }

  function lessonById(data, lessonId) {
    for (var i = 0; i < data.lessons.length; i++) {
      if (data.lessons[i].id === lessonId) return data.lessons[i];
    }
    return null;
  }

  var STATUS = { passed: "passed", attempted: "attempted, not passed yet", "not started": "not started" };

  function itemLine(lesson, item, withLink) {
    var line = el("li", "course-progress-item");
    line.setAttribute("data-id", item.id);
    line.setAttribute("data-status", item.status);
    line.setAttribute("data-best", scoreText(item));
    line.setAttribute("data-attempts", String(item.attempts));
    var name = item.id + " " + item.title;
    if (withLink) {
      var link = el("a", null, name);
      link.href = itemPage(lesson, item);
      append(line, link);
    } else {
      append(line, el("span", "course-progress-name", name));
    }
    append(line, ": ", el("span", "course-progress-status course-status-" + item.status.replace(/\s+/g, "-"), STATUS[item.status] || item.status));
    if (item.attempts) {
      append(
        line,
        ", best ",
        el("strong", "course-progress-best", scoreText(item)),
        " over " + item.attempts + (item.attempts === 1 ? " attempt" : " attempts")
      );
    }
    return line;
  }

  function nextStep(data) {
    var line = el("p", "course-progress-next");
    if (!data.next) {
      append(line, el("strong", null, "Next step: "), "every item is passed. Well done!");
      return line;
    }
    line.setAttribute("data-next", data.next.id);
    var found = find(data, data.next.id);
    append(line, el("strong", null, "Next step: "));
    if (found) {
      var link = el("a", null, found.item.id + " " + found.item.title);
      link.href = itemPage(found.lesson, found.item);
      append(line, link, ", ");
    }
    append(line, "run ", el("code", null, data.next.command));
    return line;
  }

  function lessonLine(lesson, withLink) {
    var line = el("p", "course-progress-lesson");
    line.setAttribute("data-lesson", lesson.id);
    var name = el("strong", null, "Lesson " + lesson.id + ": ");
    if (withLink) {
      var link = el("a", null, "Lesson " + lesson.id);
      link.href = "/" + folderOf(lesson) + "/index.html";
      name.textContent = "";
      append(name, link, ": ");
    }
    append(
      line,
      name,
      number(lesson.score) + " of " + number(lesson.max_score) + " points, " +
        lesson.passed + " of " + lesson.total + " items passed."
    );
    return line;
  }

  function block(marker) {
    marker.textContent = "";
    marker.setAttribute("role", "region");
    marker.setAttribute("aria-labelledby", "course-progress-title");
    append(marker, el("h2", "course-progress-title", "Your progress")).firstChild.id =
      "course-progress-title";
    marker.hidden = false;
    return marker;
  }

  function render(marker, data) {
    var kind = marker.getAttribute("data-kind");
    var lesson = lessonById(data, marker.getAttribute("data-lesson"));
    var found = marker.getAttribute("data-item") ? find(data, marker.getAttribute("data-item")) : null;
    block(marker);
    if (kind === "course") {
      var total = el("p", "course-progress-course");
      append(
        total,
        el("strong", null, "The course: "),
        number(data.score) + " of " + number(data.max_score) + " points, " + data.passed +
          " of " + data.total + " items passed."
      );
      append(marker, total);
      for (var i = 0; i < data.lessons.length; i++) append(marker, lessonLine(data.lessons[i], true));
    } else if (found) {
      var list = el("ul", "course-progress-items");
      append(list, itemLine(found.lesson, found.item, false));
      append(marker, list);
      var details = el("p", "course-progress-details");
      if (found.item.hints_total) {
        append(details, "Hints seen: " + found.item.hints_seen + " of " + found.item.hints_total + ". ");
      }
      append(marker, details);
      if (found.item.attempts && found.item.kind !== "quiz") lastAttempt(details, found.item);
      if (found.item.kind === "quiz") {
        append(
          marker,
          el(
            "p",
            "course-progress-quiz",
            "Answers checked on this page are recorded as 'course quiz " + found.lesson.id +
              "' records them: the first answer to each question counts, and once every " +
              "question has one, the attempt is graded and kept."
          )
        );
        append(marker, el("p", "course-progress-round"));
      }
      append(marker, lessonLine(found.lesson));
    } else if (lesson) {
      append(marker, lessonLine(lesson));
      // Every item, folded: on a phone eleven lines would push the lesson off the screen.
      var all = el("details", "course-progress-all");
      append(all, el("summary", null, "Every item of this lesson, with its score"));
      var items = el("ul", "course-progress-items");
      for (var j = 0; j < lesson.items.length; j++) append(items, itemLine(lesson, lesson.items[j], true));
      append(marker, append(all, items));
      if (kind === "homework") {
        append(
          marker,
          el(
            "p",
            "course-progress-homework",
            "The checklist below is ticked from your results on this machine, as 'course progress' shows it."
          )
        );
        tick(lesson);
      }
    }
    append(marker, nextStep(data));
    marker.setAttribute("data-loaded", "true");
  }

  function lastAttempt(details, item) {
    CourseServer.history(item.id).then(
      function (history) {
        var last = history.attempts[history.attempts.length - 1];
        if (!last) return;
        append(
          details,
          "Last attempt: " + number(last.score) + "/" + number(last.max_score) + " at " + last.graded_at + "."
        );
      },
      function () {}
    );
  }

  function showRound(result) {
    var line = document.querySelector(".course-progress .course-progress-round");
    if (!line || !result.readable) return;
    if (result.recorded && result.recorded.ok) {
      line.textContent =
        "Recorded: " + number(result.recorded.score) + "/" + number(result.recorded.max_score) +
        " for this attempt. Answer again to start a new one.";
    } else if (result.recorded) {
      line.textContent = result.recorded.message;
    } else {
      line.textContent =
        result.answered + " of " + result.total + " questions answered in this attempt" +
        (result.counts ? "." : "; this question's first answer is the one that counts.");
    }
  }

  // -- The homework checklist ---------------------------------------------------------------

  function tick(lesson) {
    var byCommand = {};
    for (var i = 0; i < lesson.items.length; i++) byCommand[lesson.items[i].command] = lesson.items[i];
    var lists = document.querySelectorAll(".md-content article ul.task-list");
    var top = null;
    for (var l = 0; l < lists.length; l++) {
      if (!lists[l].parentElement.closest("li")) {
        top = lists[l];
        break;
      }
    }
    if (!top) return;
    var entries = top.children;
    for (var e = 0; e < entries.length && e < lesson.homework.length; e++) {
      var entry = lesson.homework[e];
      var strong = entries[e].querySelector("strong");
      if (!strong || strong.textContent.trim() !== entry.text) continue;
      mark(entries[e], entry.done);
      var subs = entries[e].querySelectorAll("li.task-list-item");
      for (var s = 0; s < subs.length; s++) {
        var code = subs[s].querySelector("code");
        var item = code ? byCommand[code.textContent.trim()] : null;
        if (item) mark(subs[s], item.passed);
      }
    }
  }

  function mark(item, done) {
    var box = item.querySelector(":scope > .task-list-control > input[type=checkbox], :scope > label > input[type=checkbox]");
    if (!box) return;
    box.checked = !!done;
    item.setAttribute("data-done", done ? "true" : "false");
  }

  // -- When the page is ready ---------------------------------------------------------------

  function refresh() {
    var marker = document.querySelector(".course-progress[data-kind]");
    if (!marker) return Promise.resolve();
    return CourseServer.progress().then(
      function (data) {
        render(marker, data);
      },
      function (error) {
        block(marker);
        append(marker, el("p", "course-progress-error", "Your progress could not be read: " + error.message));
        marker.setAttribute("data-loaded", "error");
      }
    );
  }

  var started = false;
  function run() {
    document.body.classList.add("course-served");
    if (started) return;
    started = true;
    refresh();
  }

  if (typeof document$ !== "undefined") {
    document$.subscribe(run);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else {
    run();
  }
})();
