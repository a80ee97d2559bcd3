/* The quiz page: check answers in the browser, explain them, keep the score.
 *
 * site/hooks/course_pages.py renders a lesson's quiz.toml into forms, one per question,
 * inside <div class="course-quiz" data-quiz="[...]">, the data holding what a check needs.
 * The terminal (`course quiz`, grader/quiz.py) checks the same file symbolically; here:
 *
 * - true/false, choices and numbers are checked exactly as the terminal does;
 * - a typed expression is read by a small parser (numbers, the question's variables,
 *   + - * / **, parentheses and the allowed functions; never eval), and each condition of
 *   the quiz file is checked numerically: "depends_on" and "denominator_depends_on" on the
 *   parsed expression, "limit" by evaluating very close to the limit point, "equals" by
 *   comparing values at a few sample points.
 *
 * Answers are kept nowhere: recording a score is the terminal's job.
 */
(function () {
  "use strict";

  var FUNCTIONS = {
    sin: Math.sin, cos: Math.cos, tan: Math.tan, exp: Math.exp,
    log: Math.log, sqrt: Math.sqrt, abs: Math.abs, cbrt: Math.cbrt
  };
  var MAX_LENGTH = 300;
  // Sample values for the variables of an expression, one list per variable position.
  var SAMPLES = [[0.7, -1.3, 2.1, 1.7], [0.3, -0.6, 0.45, 1.1], [1.9, 0.8, -0.35, 2.6]];

  function ReadError(message) {
    this.message = message;
  }

  // -- Reading typed text -------------------------------------------------------------------

  function tokenize(text) {
    var tokens = [];
    var i = 0;
    while (i < text.length) {
      var rest = text.slice(i);
      var c = text[i];
      var match;
      if (/\s/.test(c)) {
        i += 1;
      } else if ((match = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(rest))) {
        tokens.push({ kind: "number", text: match[0] });
        i += match[0].length;
      } else if ((match = /^[A-Za-z_]\w*/.exec(rest))) {
        tokens.push({ kind: "name", text: match[0] });
        i += match[0].length;
      } else if (rest.slice(0, 2) === "**") {
        tokens.push({ kind: "op", text: "**" });
        i += 2;
      } else if ("+-*/()".indexOf(c) >= 0) {
        tokens.push({ kind: "op", text: c });
        i += 1;
      } else if (c === "^") {
        throw new ReadError("Use ** for powers, as in x**2: in Python ^ is not a power.");
      } else {
        throw new ReadError("The character " + c + " cannot be part of this answer.");
      }
    }
    return tokens;
  }

  function parse(text, variables, functions) {
    if (text.length > MAX_LENGTH) {
      throw new ReadError("That answer is too long: at most " + MAX_LENGTH + " characters.");
    }
    var tokens = tokenize(text);
    var pos = 0;
    if (!tokens.length) throw new ReadError("Type an answer first.");

    function peek() {
      return tokens[pos];
    }
    function take(text) {
      if (tokens[pos] && tokens[pos].text === text) {
        pos += 1;
        return true;
      }
      return false;
    }
    function expression() {
      var node = term();
      while (peek() && (peek().text === "+" || peek().text === "-")) {
        var op = tokens[pos++].text;
        node = { type: "bin", op: op, left: node, right: term() };
      }
      return node;
    }
    function term() {
      var node = unary();
      while (peek() && (peek().text === "*" || peek().text === "/")) {
        var op = tokens[pos++].text;
        node = { type: "bin", op: op, left: node, right: unary() };
      }
      return node;
    }
    function unary() {
      if (take("-")) return { type: "neg", arg: unary() };
      if (take("+")) return unary();
      return power();
    }
    function power() {
      var base = atom();
      if (take("**")) return { type: "bin", op: "**", left: base, right: unary() };
      return base;
    }
    function closing() {
      if (!take(")")) throw new ReadError("A closing parenthesis ) is missing.");
    }
    function atom() {
      var token = tokens[pos++];
      var node;
      if (!token) {
        throw new ReadError("The answer ends too early: something is missing at its end.");
      }
      if (token.kind === "number") {
        node = { type: "num", value: parseFloat(token.text) };
      } else if (token.kind === "name") {
        if (take("(")) {
          if (functions.indexOf(token.text) < 0) {
            throw new ReadError(allowed(token.text + "(...)", variables, functions));
          }
          node = { type: "call", fn: token.text, arg: expression() };
          closing();
        } else if (variables.indexOf(token.text) >= 0) {
          node = { type: "var", name: token.text };
        } else {
          throw new ReadError(allowed(token.text, variables, functions));
        }
      } else if (token.text === "(") {
        node = expression();
        closing();
      } else {
        throw new ReadError("Something is missing before " + token.text + ".");
      }
      var next = peek();
      if (next && (next.kind !== "op" || next.text === "(")) {
        throw new ReadError(
          "A * is missing before " + next.text + ": write 2*x, not 2x, and x*(x + h)."
        );
      }
      return node;
    }

    var tree = expression();
    if (pos < tokens.length) {
      throw new ReadError(
        tokens[pos].text === ")"
          ? "There is one closing parenthesis ) too many."
          : "Something is wrong near " + tokens[pos].text + "."
      );
    }
    return tree;
  }

  function allowed(name, variables, functions) {
    var parts = ["numbers, + - * / ** and parentheses"];
    if (variables.length) parts.push("the variables " + variables.join(", "));
    if (functions.length) parts.push("the functions " + functions.join(", "));
    return name + " cannot be used here. You may use " + parts.join("; ") + ".";
  }

  function evaluate(node, values) {
    switch (node.type) {
      case "num":
        return node.value;
      case "var":
        return values[node.name];
      case "neg":
        return -evaluate(node.arg, values);
      case "call":
        return FUNCTIONS[node.fn](evaluate(node.arg, values));
      default: {
        var a = evaluate(node.left, values);
        var b = evaluate(node.right, values);
        if (node.op === "+") return a + b;
        if (node.op === "-") return a - b;
        if (node.op === "*") return a * b;
        if (node.op === "/") return a / b;
        return Math.pow(a, b);
      }
    }
  }

  function children(node) {
    if (node.type === "bin") return [node.left, node.right];
    if (node.type === "neg" || node.type === "call") return [node.arg];
    return [];
  }

  function mentions(node, name) {
    if (node.type === "var") return node.name === name;
    return children(node).some(function (child) {
      return mentions(child, name);
    });
  }

  function inDenominator(node, name) {
    if (node.type === "bin" && node.op === "/" && mentions(node.right, name)) return true;
    if (node.type === "bin" && node.op === "**" && mentions(node.left, name)) {
      if (!mentions(node.right, name) && evaluate(node.right, {}) < 0) return true;
    }
    return children(node).some(function (child) {
      return inDenominator(child, name);
    });
  }

  // -- Checking -----------------------------------------------------------------------------

  function close(a, b, relative) {
    return Math.abs(a - b) <= relative * (1 + Math.abs(b));
  }

  function points(variables) {
    var list = [];
    for (var k = 0; k < SAMPLES[0].length; k++) {
      var values = {};
      variables.forEach(function (name, i) {
        values[name] = SAMPLES[i % SAMPLES.length][k];
      });
      list.push(values);
    }
    return list;
  }

  function format(value) {
    return Number(value.toPrecision(4)).toString();
  }

  function holds(condition, tree, question, details) {
    var variables = question.variables;
    var functions = question.functions;
    if (condition.check === "depends_on") return mentions(tree, condition.symbol);
    if (condition.check === "denominator_depends_on") {
      return inDenominator(tree, condition.symbol);
    }
    var target = parse(condition.equals, variables, functions);
    var samples = points(variables);
    if (condition.check === "limit") {
      var at = Number(condition.at);
      if (!isFinite(at)) return true; // a symbolic limit point: the terminal checks it
      return samples.every(function (values) {
        var near = Object.assign({}, values);
        var goal = Object.assign({}, values);
        goal[condition.symbol] = at;
        var expected = evaluate(target, goal);
        return [1e-7, -1e-7].every(function (offset) {
          near[condition.symbol] = at + offset;
          var got = evaluate(tree, near);
          if (!close(got, expected, 1e-4)) {
            var others = variables.filter(function (v) {
              return v !== condition.symbol;
            });
            var where = others.length
              ? " (at " + others.map(function (v) {
                  return v + " = " + values[v];
                }).join(", ") + " it gives " + format(got) + " instead of " +
                format(expected) + ")"
              : "";
            details.limit = "something else" + where;
            return false;
          }
          return true;
        });
      });
    }
    var compared = 0;
    var same = samples.every(function (values) {
      var got = evaluate(tree, values);
      var expected = evaluate(target, values);
      if (!isFinite(got) || !isFinite(expected)) return true;
      compared += 1;
      return close(got, expected, 1e-9);
    });
    return same && compared > 0;
  }

  function fill(message, details) {
    return message
      .replace(/\{answer\}/g, details.answer)
      .replace(/\{limit\}/g, details.limit || "something else")
      .replace(/\{simplified\}/g, "something else");
  }

  function letters(list) {
    var items = list.map(function (x) {
      return "(" + x + ")";
    });
    if (items.length < 2) return items.join("");
    return items.slice(0, -1).join(", ") + " and " + items[items.length - 1];
  }

  // Returns {right, message, notes}, or throws ReadError when there is nothing to check.
  function check(question, form) {
    var inputs = form.querySelectorAll("input");
    var picked = [];
    var typed = "";
    inputs.forEach(function (input) {
      if ((input.type === "radio" || input.type === "checkbox") && input.checked) {
        picked.push(input.value);
      }
      if (input.type === "text") typed = input.value.trim();
    });
    var type = question.type;
    if (type === "true_false") {
      if (!picked.length) throw new ReadError("Choose true or false first.");
      var chosen = picked[0] === "true";
      return chosen === question.answer
        ? { right: true }
        : { right: false, message: "The statement is " + question.answerText + ", not " +
            picked[0] + "." };
    }
    if (type === "single_choice" || type === "multiple_choice") {
      if (!picked.length) throw new ReadError("Choose an answer first.");
      var right = type === "single_choice" ? [question.answer] : question.answer;
      var extra = picked.filter(function (x) {
        return right.indexOf(x) < 0;
      });
      var missed = right.filter(function (x) {
        return picked.indexOf(x) < 0;
      });
      if (!extra.length && !missed.length) return { right: true };
      var notes = extra.concat(missed).sort().filter(function (x) {
        return question.feedback && question.feedback[x];
      }).map(function (x) {
        return "(" + x + ") " + question.feedback[x];
      });
      var message;
      if (type === "single_choice") {
        message = "You chose (" + picked[0] + "); the answer is (" + question.answer + ").";
      } else {
        var parts = [];
        if (extra.length) {
          parts.push("you chose " + letters(extra) + ", which " +
            (extra.length === 1 ? "is" : "are") + " not right");
        }
        if (missed.length) parts.push("you left out " + letters(missed));
        message = "Not all of your choices match: " + parts.join("; ") +
          ". The right choices are " + letters(right) + ".";
      }
      return { right: false, message: message, notes: notes };
    }
    if (!typed) throw new ReadError("Type an answer first.");
    if (type === "numeric") {
      var value = evaluate(parse(typed, [], []), {});
      if (!isFinite(value)) throw new ReadError(typed + " is not a finite number.");
      var error = Math.abs(value - question.answer);
      if (error <= question.tolerance) return { right: true };
      // As grader/quiz.py: a known wrong value names its slip; the tolerance only for a near miss.
      var remarks = Object.keys(question.feedback || {}).filter(function (known) {
        return Math.abs(value - Number(known)) <= question.tolerance;
      }).map(function (known) { return question.feedback[known]; });
      var near = error <= 1000 * question.tolerance
        ? " (within " + format(question.tolerance) + ")" : "";
      return { right: false, message: "Your answer " + format(value) + " is off by " +
          format(error) + "; the answer is " + question.answerText + near + ".",
        notes: remarks };
    }
    var tree = parse(typed, question.variables, question.functions);
    var details = { answer: typed.replace(/\s+/g, " ") };
    for (var i = 0; i < question.conditions.length; i++) {
      var condition = question.conditions[i];
      if (!holds(condition, tree, question, details)) {
        return { right: false, message: fill(condition.message, details) };
      }
    }
    return { right: true };
  }

  // -- The page -----------------------------------------------------------------------------

  function paragraph(text, className) {
    var p = document.createElement("p");
    if (className) p.className = className;
    p.textContent = text;
    return p;
  }

  function setup(root) {
    var questions = JSON.parse(root.getAttribute("data-quiz"));
    var total = questions.reduce(function (sum, q) {
      return sum + q.points;
    }, 0);
    var command = root.getAttribute("data-command") || "";
    var state = {};
    var score = root.querySelector(".quiz-score");

    function show(number) {
      return Number(number.toFixed(2)).toString();
    }

    function update() {
      var answered = 0;
      var earned = 0;
      questions.forEach(function (q) {
        if (q.id in state) {
          answered += 1;
          if (state[q.id]) earned += q.points;
        }
      });
      var text = "Score: " + show(earned) + " of " + show(total) + " points (" + answered +
        " of " + questions.length + " questions answered).";
      if (answered === questions.length) {
        text += " All done." + (command ? " To record a score, run " + command +
          " in the terminal." : "");
      }
      score.textContent = text;
      root.classList.toggle("quiz-finished", answered === questions.length);
    }

    questions.forEach(function (question) {
      var form = root.querySelector('form[data-id="' + question.id + '"]');
      var feedback = form.querySelector(".quiz-feedback");
      var explanation = form.querySelector(".quiz-explanation");
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        if (question.id in state) return;
        var outcome;
        feedback.textContent = "";
        try {
          outcome = check(question, form);
        } catch (error) {
          if (!(error instanceof ReadError)) throw error;
          feedback.appendChild(paragraph(error.message, "quiz-unreadable"));
          feedback.hidden = false;
          return; // not an answer yet: let the learner fix it
        }
        state[question.id] = outcome.right;
        form.classList.add(outcome.right ? "quiz-right" : "quiz-wrong");
        feedback.appendChild(
          paragraph(outcome.right ? "Right." : "Not quite.", "quiz-verdict")
        );
        if (outcome.message) feedback.appendChild(paragraph(outcome.message));
        (outcome.notes || []).forEach(function (note) {
          feedback.appendChild(paragraph(note, "quiz-remark"));
        });
        feedback.hidden = false;
        explanation.hidden = false;
        form.querySelectorAll("input, button").forEach(function (element) {
          element.disabled = true;
        });
        retry.hidden = outcome.right;
        retry.disabled = false;
        update();
      });
      // A wrong answer can be tried again: the question is open as before, unscored.
      var retry = form.querySelector(".quiz-retry");
      retry.addEventListener("click", function () {
        clear(form);
        delete state[question.id];
        update();
        var first = form.querySelector("input");
        if (first) first.focus();
      });
    });

    function clear(form) {
      form.classList.remove("quiz-right", "quiz-wrong");
      form.querySelectorAll("input, button").forEach(function (element) {
        element.disabled = false;
      });
      var feedback = form.querySelector(".quiz-feedback");
      feedback.textContent = "";
      feedback.hidden = true;
      form.querySelector(".quiz-explanation").hidden = true;
      form.querySelector(".quiz-retry").hidden = true;
    }

    root.querySelector(".quiz-reset").addEventListener("click", function () {
      state = {};
      root.querySelectorAll("form").forEach(function (form) {
        form.reset();
        clear(form);
      });
      update();
      root.scrollIntoView({ behavior: "smooth" });
    });
    update();
  }

  function start() {
    document.querySelectorAll(".course-quiz").forEach(function (root) {
      if (!root.getAttribute("data-ready")) {
        root.setAttribute("data-ready", "1");
        setup(root);
      }
    });
  }

  if (typeof document$ !== "undefined") {
    document$.subscribe(start);
  } else {
    document.addEventListener("DOMContentLoaded", start);
  }
})();
