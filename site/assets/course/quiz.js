/* The quiz page: check answers in the browser, explain them, keep an honest score.
 *
 * grader/site/pages.py renders a lesson's quiz.toml into forms, one per question, inside
 * <div class="course-quiz" data-quiz="[...]">, the data holding what a check needs.
 *
 * One checker, written twice. The terminal (`course quiz`, `course grade ...quiz`) checks
 * answers with grader/quiz/checking.py and grader/quiz/expressions.py; this file is the same
 * definition in JavaScript, rule for rule and message for message: the same grammar for
 * typed text (never eval), the same exact arithmetic (BigInt fractions, polynomials and
 * rational functions), the same "written form" for "depends on h", the same printing.
 * tests/test_quiz_agreement.py runs a corpus of answers per lesson through both.
 * window.CourseQuiz.check(question, typed) is that checker, for the tests.
 *
 * When `course site serve` serves the page, window.CourseServer.checkQuiz(lesson, question,
 * typed) asks the Python checker itself (and records the answer); the local checker is the
 * fallback when it fails, and the only one on a site opened from disk.
 *
 * Retries are honest: the first answer to each question is the one that scores. After a
 * wrong answer the learner may try again (for practice) or show the answer; the answer and
 * the explanation appear only once the answer is right or the learner asks for it.
 */
(function () {
  "use strict";

  var MAX_EXPRESSION = 300;
  var MAX_NODES = 120;
  var MAX_EXPONENT = 20;
  var MAX_INTEGER = 1000000000000000n;
  var MAX_DEGREE = 60;
  var MAX_TERMS = 300;
  var ALLOWED_TEXT = "numbers, + - * / ** and parentheses";
  var SYNTAX_HELP = "Use Python syntax, e.g. (x + h)**2 for a square and 2*h for a product.";
  var SPACE = " \t\r\n\f\v";
  var LOOKALIKES = [
    ["\u2212", "-", "a minus sign"],
    ["\u2013", "-", "a minus sign"],
    ["\u00d7", "*", "a product"],
    ["\u00b7", "*", "a product"],
    ["\u22c5", "*", "a product"],
    ["\u00f7", "/", "a division"],
    ["\u00b2", "**2", "a square"],
    ["\u00b3", "**3", "a cube"]
  ];

  function AnswerError(message) {
    this.message = message;
  }

  // -- Exact fractions ----------------------------------------------------------------------

  function babs(a) {
    return a < 0n ? -a : a;
  }
  function bgcd(a, b) {
    a = babs(a);
    b = babs(b);
    while (b) {
      var t = a % b;
      a = b;
      b = t;
    }
    return a;
  }
  function Q(n, d) {
    if (d === undefined) d = 1n;
    if (d < 0n) {
      n = -n;
      d = -d;
    }
    var g = bgcd(n, d);
    if (g > 1n) {
      n /= g;
      d /= g;
    }
    return { n: n, d: d };
  }
  var ZERO = Q(0n);
  var ONE = Q(1n);
  function qadd(a, b) { return Q(a.n * b.d + b.n * a.d, a.d * b.d); }
  function qsub(a, b) { return Q(a.n * b.d - b.n * a.d, a.d * b.d); }
  function qmul(a, b) { return Q(a.n * b.n, a.d * b.d); }
  function qdiv(a, b) { return Q(a.n * b.d, a.d * b.n); }
  function qneg(a) { return { n: -a.n, d: a.d }; }
  function qabs(a) { return { n: babs(a.n), d: a.d }; }
  function qstr(a) { return a.d === 1n ? a.n.toString() : a.n + "/" + a.d; }
  function qeq(a, b) { return a.n === b.n && a.d === b.d; }
  function qpow(a, k) {
    var out = ONE;
    for (var i = 0; i < Math.abs(k); i++) out = qmul(out, a);
    return k < 0 ? qdiv(ONE, out) : out;
  }

  // A decimal such as "1.5e-7" or "123", exactly.
  function qdecimal(text) {
    var m = /^(-?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(text);
    var digits = (m[2] || "") + (m[3] || "");
    var exp = (m[4] ? parseInt(m[4], 10) : 0) - (m[3] || "").length;
    var n = BigInt(digits || "0");
    if (m[1]) n = -n;
    return exp >= 0 ? Q(n * 10n ** BigInt(exp)) : Q(n, 10n ** BigInt(-exp));
  }

  function blog10(b) {
    b = babs(b);
    if (b < 9007199254740992n) return Math.log10(Number(b));
    var s = b.toString();
    return s.length - 1 + Math.log10(Number(s[0] + "." + s.slice(1, 17)));
  }

  // A fraction as the nearest float (exact for fractions of whole numbers below 2**53).
  function qfloat(a) {
    var limit = 9007199254740992n;
    if (babs(a.n) < limit && a.d < limit) return Number(a.n) / Number(a.d);
    var shift = 25 + a.d.toString().length - babs(a.n).toString().length;
    var scaled = shift >= 0 ? (a.n * 10n ** BigInt(shift)) / a.d : a.n / a.d / 10n ** BigInt(-shift);
    return parseFloat(scaled.toString() + "e" + -shift);
  }

  // -- Polynomials: Map "e1,e2" -> {e: [exponents], c: fraction} -----------------------------

  function pkey(e) { return e.join(","); }
  function pconst(c, n) {
    var p = new Map();
    if (c.n !== 0n) {
      var e = [];
      for (var i = 0; i < n; i++) e.push(0);
      p.set(pkey(e), { e: e, c: c });
    }
    return p;
  }
  function pvar(index, n) {
    var e = [];
    for (var i = 0; i < n; i++) e.push(i === index ? 1 : 0);
    var p = new Map();
    p.set(pkey(e), { e: e, c: ONE });
    return p;
  }
  // Add c to the coefficient of the term under key (item: the term without it); a term
  // that cancels goes. Used by both kinds of sum: polynomials and written sums below.
  function mput(out, key, item, c) {
    var old = out.get(key);
    var total = old ? qadd(old.c, c) : c;
    if (total.n === 0n) {
      out.delete(key);
    } else {
      item.c = total;
      out.set(key, item);
    }
  }
  function pput(out, e, c) {
    mput(out, pkey(e), { e: e }, c);
  }
  function padd(a, b, sign) {
    var out = new Map(a);
    b.forEach(function (t) {
      pput(out, t.e, sign === -1 ? qneg(t.c) : t.c);
    });
    return out;
  }
  function pmul(a, b) {
    var out = new Map();
    a.forEach(function (ta) {
      b.forEach(function (tb) {
        pput(out, ta.e.map(function (x, i) { return x + tb.e[i]; }), qmul(ta.c, tb.c));
      });
    });
    return out;
  }
  function pscale(a, f) {
    var out = new Map();
    if (f.n === 0n) return out;
    a.forEach(function (t, k) {
      out.set(k, { e: t.e, c: qmul(t.c, f) });
    });
    return out;
  }
  function pIsConst(a) {
    var ok = true;
    a.forEach(function (t) {
      if (t.e.some(function (x) { return x !== 0; })) ok = false;
    });
    return ok;
  }
  function pConstValue(a) {
    var v = ZERO;
    a.forEach(function (t) { v = t.c; });
    return v;
  }
  function pderiv(a, index) {
    var out = new Map();
    a.forEach(function (t) {
      if (t.e[index]) {
        var e = t.e.slice();
        e[index] -= 1;
        out.set(pkey(e), { e: e, c: qmul(t.c, Q(BigInt(t.e[index]))) });
      }
    });
    return out;
  }
  function pequal(a, b) {
    if (a.size !== b.size) return false;
    var same = true;
    a.forEach(function (t, k) {
      var u = b.get(k);
      if (!u || !qeq(t.c, u.c)) same = false;
    });
    return same;
  }
  // Highest total degree first, then by the exponents of the variables in order.
  function termOrder(a, b) {
    var sa = a.e.reduce(function (s, x) { return s + x; }, 0);
    var sb = b.e.reduce(function (s, x) { return s + x; }, 0);
    if (sa !== sb) return sb - sa;
    for (var i = 0; i < a.e.length; i++) {
      if (a.e[i] !== b.e[i]) return b.e[i] - a.e[i];
    }
    return 0;
  }
  function psorted(a) {
    return Array.from(a.values()).sort(termOrder);
  }
  function pdivExact(a, b) {
    if (!b.size) return null;
    var lead = psorted(b)[0];
    var quotient = new Map();
    var rest = new Map(a);
    while (rest.size) {
      var top = psorted(rest)[0];
      var diff = top.e.map(function (x, i) { return x - lead.e[i]; });
      if (Math.min.apply(null, diff) < 0) return null;
      var term = new Map();
      term.set(pkey(diff), { e: diff, c: qdiv(top.c, lead.c) });
      quotient = padd(quotient, term, 1);
      rest = padd(rest, pmul(term, b), -1);
    }
    return quotient;
  }

  // -- Rational functions {num, den} ----------------------------------------------------------

  function tooLarge() {
    return new AnswerError(
      "That expression grows too large once multiplied out; write it more simply."
    );
  }
  function guard(r) {
    [r.num, r.den].forEach(function (p) {
      if (p.size > MAX_TERMS) throw tooLarge();
      p.forEach(function (t) {
        if (t.e.some(function (x) { return x > MAX_DEGREE; })) throw tooLarge();
      });
    });
    return r;
  }
  function normal(num, den, n) {
    if (!den.size) throw new AnswerError("That expression divides by zero.");
    if (!num.size) return { num: new Map(), den: pconst(ONE, n) };
    if (pIsConst(den)) return guard({ num: pscale(num, qdiv(ONE, pConstValue(den))), den: pconst(ONE, n) });
    var low = [];
    for (var i = 0; i < n; i++) {
      var m = Infinity;
      [num, den].forEach(function (p) {
        p.forEach(function (t) { m = Math.min(m, t.e[i]); });
      });
      low.push(m);
    }
    if (low.some(function (x) { return x > 0; })) {
      var lower = function (p) {
        var out = new Map();
        p.forEach(function (t) {
          var e = t.e.map(function (x, j) { return x - low[j]; });
          out.set(pkey(e), { e: e, c: t.c });
        });
        return out;
      };
      num = lower(num);
      den = lower(den);
    }
    return guard({ num: num, den: den });
  }
  function rnum(c, n) { return { num: pconst(c, n), den: pconst(ONE, n) }; }
  function radd(a, b, n, sign) {
    if (pequal(a.den, b.den)) return normal(padd(a.num, b.num, sign), a.den, n);
    return normal(padd(pmul(a.num, b.den), pmul(b.num, a.den), sign), pmul(a.den, b.den), n);
  }
  function rmul(a, b, n) { return normal(pmul(a.num, b.num), pmul(a.den, b.den), n); }
  function rdiv(a, b, n) {
    if (!b.num.size) throw new AnswerError("That expression divides by zero.");
    return normal(pmul(a.num, b.den), pmul(a.den, b.num), n);
  }
  function rIsConst(r) { return pIsConst(r.num) && pIsConst(r.den); }
  function rvalue(r) { return qdiv(pConstValue(r.num), pConstValue(r.den)); }
  function rDependsOn(r, index) {
    return padd(pmul(pderiv(r.num, index), r.den), pmul(r.num, pderiv(r.den, index)), -1).size > 0;
  }
  function requals(a, b) {
    return padd(pmul(a.num, b.den), pmul(b.num, a.den), -1).size === 0;
  }
  function rpow(base, exponent, n) {
    var power = rIsConst(exponent) ? rvalue(exponent) : null;
    if (power === null || qfloat(qabs(power)) > MAX_EXPONENT) {
      throw new AnswerError(
        "Powers must be plain numbers between -" + MAX_EXPONENT + " and " + MAX_EXPONENT +
          ", as in x**2."
      );
    }
    if (power.d !== 1n) {
      throw new AnswerError("Powers must be whole numbers here, as in x**2 or h**-1.");
    }
    var k = Number(power.n);
    if (rIsConst(base) && base.num.size) {
      var v = rvalue(base);
      if (Math.abs(k) * Math.abs(blog10(v.n) - blog10(v.d)) > 300) {
        throw new AnswerError("That power is larger than this checker accepts.");
      }
    }
    var result = rnum(ONE, n);
    for (var i = 0; i < Math.abs(k); i++) result = rmul(result, base, n);
    if (k < 0) result = rdiv(rnum(ONE, n), result, n);
    return result;
  }

  // The limit as variable `index` goes to `at`: null when it is infinite.
  function shift(p, index, by, n) {
    if (by.n === 0n) return p;
    var step = padd(pvar(index, n), pconst(by, n), 1);
    var out = new Map();
    p.forEach(function (t) {
      var e = t.e.slice();
      e[index] = 0;
      var term = new Map();
      term.set(pkey(e), { e: e, c: t.c });
      for (var i = 0; i < t.e[index]; i++) term = pmul(term, step);
      out = padd(out, term, 1);
    });
    return out;
  }
  function lowest(p, index) {
    var k = Infinity;
    p.forEach(function (t) { k = Math.min(k, t.e[index]); });
    var out = new Map();
    p.forEach(function (t) {
      if (t.e[index] === k) {
        var e = t.e.map(function (x, i) { return i === index ? 0 : x; });
        out.set(pkey(e), { e: e, c: t.c });
      }
    });
    return [k, out];
  }
  function limitOf(expr, name, at) {
    var n = expr.variables.length;
    var index = expr.variables.indexOf(name);
    var num = shift(expr.value.num, index, at, n);
    var den = shift(expr.value.den, index, at, n);
    if (!num.size) return rnum(ZERO, n);
    var p = lowest(num, index);
    var q = lowest(den, index);
    if (p[0] > q[0]) return rnum(ZERO, n);
    if (p[0] < q[0]) return null;
    return normal(p[1], q[1], n);
  }

  // -- Printing, as expressions.py prints -------------------------------------------------------

  function termText(t, names) {
    var factors = [];
    names.forEach(function (name, i) {
      if (t.e[i]) factors.push(t.e[i] === 1 ? name : name + "**" + t.e[i]);
    });
    var size = qabs(t.c);
    if (!factors.length) return qstr(size);
    var text = factors.join("*");
    if (size.n !== 1n) text = size.n + "*" + text;
    if (size.d !== 1n) text = text + "/" + size.d;
    return text;
  }
  function polyText(p, names) {
    if (!p.size) return "0";
    var out = "";
    psorted(p).forEach(function (t, i) {
      var term = termText(t, names);
      var negative = t.c.n < 0n;
      if (i === 0) out = (negative ? "-" : "") + term;
      else out += (negative ? " - " : " + ") + term;
    });
    return out;
  }
  function rationalText(r, names) {
    var num = r.num;
    var den = r.den;
    if (pIsConst(den)) return polyText(pscale(num, qdiv(ONE, pConstValue(den))), names);
    var quotient = pdivExact(num, den);
    if (quotient !== null) return polyText(quotient, names);
    var lcm = 1n;
    var all = psorted(num).concat(psorted(den));
    all.forEach(function (t) { lcm = (lcm * t.c.d) / bgcd(lcm, t.c.d); });
    num = pscale(num, Q(lcm));
    den = pscale(den, Q(lcm));
    var common = 0n;
    psorted(num).concat(psorted(den)).forEach(function (t) { common = bgcd(common, t.c.n); });
    var sign = psorted(den)[0].c.n > 0n ? 1n : -1n;
    num = pscale(num, Q(sign, common));
    den = pscale(den, Q(sign, common));
    var flipped = pdivExact(den, num);
    if (flipped !== null) {
      num = pconst(ONE, names.length);
      den = flipped;
      if (psorted(den)[0].c.n < 0n) {
        num = pscale(num, Q(-1n));
        den = pscale(den, Q(-1n));
      }
    }
    var top = polyText(num, names);
    var bottom = polyText(den, names);
    if (num.size > 1) top = "(" + top + ")";
    var first = psorted(den)[0];
    var single = den.size === 1 && qeq(first.c, ONE) &&
      first.e.filter(function (x) { return x !== 0; }).length === 1;
    if (!single) bottom = "(" + bottom + ")";
    return top + "/" + bottom;
  }

  // -- The written form: what "depends on h" means (see expressions.py) -----------------------
  // A sum: Map monomial key -> {m: [[factor, exponent], ...] sorted, c: fraction}.

  function wkey(m) {
    return m.map(function (p) { return p[0] + "\u0000" + p[1]; }).join("\u0001");
  }
  function wput(out, m, c) {
    mput(out, wkey(m), { m: m }, c);
  }
  function wadd(a, b, sign) {
    var out = new Map(a);
    b.forEach(function (t) { wput(out, t.m, sign === -1 ? qneg(t.c) : t.c); });
    return out;
  }
  function wnumber(a) {
    if (!a.size) return ZERO;
    if (a.size === 1 && a.has("")) return a.get("").c;
    return null;
  }
  function wtext(a) {
    var keys = Array.from(a.keys()).sort();
    return "(" + keys.map(function (k) {
      var t = a.get(k);
      return [qstr(t.c)].concat(t.m.map(function (p) { return p[0] + "**" + p[1]; })).join("*");
    }).join(" + ") + ")";
  }
  function wfreeze(a, frees) {
    if (a.size < 2) return a;
    var text = wtext(a);
    var vars = {};
    a.forEach(function (t) {
      t.m.forEach(function (p) {
        (frees[p[0]] || [p[0]]).forEach(function (v) { vars[v] = true; });
      });
    });
    frees[text] = Object.keys(vars);
    var out = new Map();
    out.set(wkey([[text, 1]]), { m: [[text, 1]], c: ONE });
    return out;
  }
  function wmonomial(parts) {
    var exps = {};
    parts.forEach(function (part) {
      part[0].forEach(function (p) {
        exps[p[0]] = (exps[p[0]] || 0) + p[1] * part[1];
      });
    });
    return Object.keys(exps).filter(function (f) { return exps[f] !== 0; }).sort()
      .map(function (f) { return [f, exps[f]]; });
  }
  function wmul(a, b, frees, divide) {
    if (wnumber(a) === null) a = wfreeze(a, frees);
    if (wnumber(b) === null) b = wfreeze(b, frees);
    var out = new Map();
    a.forEach(function (ta) {
      b.forEach(function (tb) {
        wput(out, wmonomial([[ta.m, 1], [tb.m, divide ? -1 : 1]]),
          divide ? qdiv(ta.c, tb.c) : qmul(ta.c, tb.c));
      });
    });
    return out;
  }
  function wpow(a, k, frees) {
    var number = wnumber(a);
    var out = new Map();
    if (number !== null) {
      var v = qpow(number, k);
      if (v.n !== 0n) out.set("", { m: [], c: v });
      return out;
    }
    a = wfreeze(a, frees);
    a.forEach(function (t) {
      var m = wmonomial([[t.m, k]]);
      out.set(wkey(m), { m: m, c: qpow(t.c, k) });
    });
    return out;
  }
  function written(node, frees) {
    var out;
    if (node.type === "num") {
      var value = numberValue(node.text);
      out = new Map();
      if (value.n !== 0n) out.set("", { m: [], c: value });
      return out;
    }
    if (node.type === "var") {
      out = new Map();
      out.set(wkey([[node.text, 1]]), { m: [[node.text, 1]], c: ONE });
      return out;
    }
    if (node.type === "neg") {
      out = new Map();
      written(node.left, frees).forEach(function (t, k) {
        out.set(k, { m: t.m, c: qneg(t.c) });
      });
      return out;
    }
    var left = written(node.left, frees);
    var right = written(node.right, frees);
    if (node.text === "+" || node.text === "-") return wadd(left, right, node.text === "+" ? 1 : -1);
    if (node.text === "*") return wmul(left, right, frees, false);
    if (node.text === "/") return wmul(left, right, frees, true);
    return wpow(left, Number(wnumber(right).n), frees);
  }
  function wvariables(a, frees) {
    var vars = {};
    a.forEach(function (t) {
      t.m.forEach(function (p) {
        (frees[p[0]] || [p[0]]).forEach(function (v) { vars[v] = true; });
      });
    });
    return vars;
  }

  // -- Reading typed text ----------------------------------------------------------------------

  function allowedText(variables) {
    if (!variables.length) return ALLOWED_TEXT;
    if (variables.length === 1) return "the name " + variables[0] + "; " + ALLOWED_TEXT;
    return "the names " + variables.slice(0, -1).join(", ") + " and " +
      variables[variables.length - 1] + "; " + ALLOWED_TEXT;
  }

  function refuseLookalikes(source) {
    for (var i = 0; i < LOOKALIKES.length; i++) {
      var item = LOOKALIKES[i];
      if (source.indexOf(item[0]) >= 0) {
        throw new AnswerError(
          "Type " + item[1] + " for " + item[2] + ", not " + item[0] + ": the answer is read " +
            "as Python, which knows only the keyboard's plain symbols."
        );
      }
    }
    if (/\d\s*,\s*\d/.test(source)) {
      throw new AnswerError(
        "Write decimals with a point, not a comma: 3.01, not 3,01 (the answer is read as " +
          "Python)."
      );
    }
    if (/\d*\.\d*\./.test(source)) {
      throw new AnswerError("A number has at most one decimal point, as in 3.01.");
    }
  }

  function tokenize(source) {
    var tokens = [];
    var i = 0;
    while (i < source.length) {
      var c = source[i];
      var rest = source.slice(i);
      var match;
      if (SPACE.indexOf(c) >= 0) {
        i += 1;
      } else if ((match = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(rest))) {
        tokens.push({ kind: "number", text: match[0] });
        i += match[0].length;
      } else if ((match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest))) {
        tokens.push({ kind: "name", text: match[0] });
        i += match[0].length;
      } else if (rest.slice(0, 2) === "**") {
        tokens.push({ kind: "op", text: "**" });
        i += 2;
      } else if ("+-*/()".indexOf(c) >= 0) {
        tokens.push({ kind: "op", text: c });
        i += 1;
      } else {
        var code = source.codePointAt(i);
        var ch = String.fromCodePoint(code);
        tokens.push({ kind: "bad", text: ch });
        i += ch.length;
      }
    }
    return tokens;
  }

  function readTree(source, variables) {
    var allowed = allowedText(variables);
    function refuse(what) {
      return new AnswerError(what + " cannot be used here. Use only " + allowed + ".");
    }
    function unreadable(reason) {
      return new AnswerError("I could not read that as an expression: " + reason + ". " + SYNTAX_HELP);
    }
    var tokens = tokenize(source);
    var opened = tokens.filter(function (t) { return t.text === "(" && t.kind === "op"; }).length;
    var closed = tokens.filter(function (t) { return t.text === ")" && t.kind === "op"; }).length;
    if (opened !== closed) {
      throw unreadable("the parentheses do not match, " + opened + " opened and " + closed + " closed");
    }
    var pos = 0;
    function peek() { return pos < tokens.length ? tokens[pos] : null; }
    function take(text) {
      if (pos < tokens.length && tokens[pos].kind === "op" && tokens[pos].text === text) {
        pos += 1;
        return true;
      }
      return false;
    }
    function isOp(token, texts) {
      return token !== null && token.kind === "op" && texts.indexOf(token.text) >= 0;
    }
    function expression() {
      var node = term();
      while (isOp(peek(), ["+", "-"])) {
        var op = tokens[pos++].text;
        node = { type: "bin", text: op, left: node, right: term() };
      }
      return node;
    }
    function term() {
      var node = unary();
      while (isOp(peek(), ["*", "/"])) {
        var op = tokens[pos++].text;
        node = { type: "bin", text: op, left: node, right: unary() };
      }
      return node;
    }
    function unary() {
      if (take("-")) return { type: "neg", text: "-", left: unary() };
      if (take("+")) return unary();
      return power();
    }
    function power() {
      var base = atom();
      if (take("**")) return { type: "bin", text: "**", left: base, right: unary() };
      return base;
    }
    function atom() {
      var token = peek();
      var node;
      if (token === null) {
        throw unreadable("it ends with an operator; something is missing after it");
      }
      pos += 1;
      if (token.kind === "number") {
        node = { type: "num", text: token.text };
      } else if (token.kind === "name") {
        var next = peek();
        if (variables.indexOf(token.text) < 0 && next !== null && next.text === "(") {
          throw new AnswerError("The call " + token.text + "(...) cannot be used here: write out the " +
            "value it stands for, using only " + allowed + ". For example, where f(x) = x**2, " +
            "f(x + h) is written (x + h)**2.");
        }
        if (variables.indexOf(token.text) >= 0) node = { type: "var", text: token.text };
        else throw refuse("The name '" + token.text + "'");
      } else if (token.kind === "bad") {
        throw refuse("The character " + token.text);
      } else if (token.text === "(") {
        node = expression();
        if (!take(")")) throw unreadable("a closing parenthesis ) is missing");
      } else {
        throw unreadable("something is missing before " + token.text);
      }
      var after = peek();
      if (after !== null && after.kind === "bad") throw refuse("The character " + after.text);
      if (after !== null && (after.kind === "number" || after.kind === "name" || after.text === "(")) {
        throw new AnswerError(
          "A * is missing before " + after.text + ": a product needs its multiplication " +
            "sign, as in 2*x (not 2x or 2 x) and x*(x + h). " + SYNTAX_HELP
        );
      }
      return node;
    }
    var tree = expression();
    if (pos < tokens.length) {
      throw unreadable("there is a " + tokens[pos].text + " without a matching (");
    }
    return tree;
  }

  function count(node) {
    return node ? 1 + count(node.left) + count(node.right) : 0;
  }

  function numberValue(text) {
    if (/^\d+$/.test(text)) {
      var value = BigInt(text);
      if (value > MAX_INTEGER) {
        throw new AnswerError("The number " + value + " is larger than this checker accepts.");
      }
      return Q(value);
    }
    var number = parseFloat(text);
    if (!isFinite(number)) throw new AnswerError("Numbers must be finite.");
    return qdecimal(String(number));
  }

  function strip(text) {
    var start = 0;
    var end = text.length;
    while (start < end && SPACE.indexOf(text[start]) >= 0) start += 1;
    while (end > start && SPACE.indexOf(text[end - 1]) >= 0) end -= 1;
    return text.slice(start, end);
  }

  function parseExpression(text, variables) {
    var source = strip(text);
    if (!source) throw new AnswerError("The answer is empty: type an expression.");
    var length = Array.from(source).length;
    if (length > MAX_EXPRESSION) {
      throw new AnswerError(
        "That is " + length + " characters long; an answer here fits in " + MAX_EXPRESSION + "."
      );
    }
    if (source.indexOf("^") >= 0) {
      throw new AnswerError("Write powers with ** in Python syntax: x**2, not x^2.");
    }
    refuseLookalikes(source);
    var tree = readTree(source, variables);
    if (count(tree) > MAX_NODES) {
      throw new AnswerError(
        "That expression is longer than any answer here needs; write it more simply."
      );
    }
    var n = variables.length;
    var dividesBy = {};
    function build(node) {
      if (node.type === "num") return rnum(numberValue(node.text), n);
      if (node.type === "var") return { num: pvar(variables.indexOf(node.text), n), den: pconst(ONE, n) };
      if (node.type === "neg") {
        var inner = build(node.left);
        return { num: pscale(inner.num, Q(-1n)), den: inner.den };
      }
      var left = build(node.left);
      var right = build(node.right);
      if (node.text === "+") return radd(left, right, n, 1);
      if (node.text === "-") return radd(left, right, n, -1);
      if (node.text === "*") return rmul(left, right, n);
      if (node.text === "/") {
        variables.forEach(function (v, i) { if (rDependsOn(right, i)) dividesBy[v] = true; });
        return rdiv(left, right, n);
      }
      var result = rpow(left, right, n);
      if (rvalue(right).n < 0n) {
        variables.forEach(function (v, i) { if (rDependsOn(left, i)) dividesBy[v] = true; });
      }
      return result;
    }
    var value = build(tree);
    var frees = {};
    var kept = wvariables(written(tree, frees), frees);
    return { value: value, variables: variables, dividesBy: dividesBy, written: kept };
  }

  function parseNumber(text) {
    var expr;
    try {
      expr = parseExpression(text, []);
    } catch (error) {
      if (!(error instanceof AnswerError)) throw error;
      throw new AnswerError(
        "The answer should be a number, such as 3.5 or 1e-5 (arithmetic on numbers works " +
          "too). " + error.message
      );
    }
    var value = qfloat(rvalue(expr.value));
    if (!isFinite(value)) throw new AnswerError("The answer should be a finite number.");
    return value;
  }

  // Python's format(value, ".<p>g").
  function formatG(value, p) {
    if (value === 0) return Object.is(value, -0) ? "-0" : "0";
    var parts = value.toExponential(p - 1).split("e");
    var exp = parseInt(parts[1], 10);
    function trim(s) {
      return s.indexOf(".") >= 0 ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
    }
    if (exp < -4 || exp >= p) {
      var e = Math.abs(exp);
      return trim(parts[0]) + "e" + (exp < 0 ? "-" : "+") + (e < 10 ? "0" : "") + e;
    }
    return trim(value.toFixed(Math.max(0, p - 1 - exp)));
  }

  // -- Checking: the same outcomes as grader/quiz/checking.py ---------------------------------

  function outcome(correct, shown, message, notes, reveal, revealNotes) {
    return {
      correct: correct,
      readable: true,
      shown: shown,
      message: message || "",
      notes: notes || [],
      reveal: reveal || "",
      revealNotes: revealNotes || []
    };
  }

  function readLetters(question, typed) {
    var letters = question.letters;
    var parts = typed.toLowerCase().split(/[\s,;]+/).filter(function (p) { return p; });
    if (parts.length === 1 && Array.from(parts[0]).length > 1 && /^\p{L}+$/u.test(parts[0])) {
      parts = Array.from(parts[0]);
    }
    var last = letters[letters.length - 1];
    if (!parts.length || parts.some(function (p) { return p.length !== 1 || letters.indexOf(p) < 0; })) {
      throw new AnswerError("Please answer with the letters a to " + last + " of the choices.");
    }
    if (question.type === "single_choice") {
      if (parts.length !== 1) {
        throw new AnswerError("Exactly one choice is right here: answer with one letter.");
      }
      return [parts[0]];
    }
    return parts.filter(function (p, i) { return parts.indexOf(p) === i; }).sort();
  }

  function and(letters) {
    var items = letters.map(function (x) { return "(" + x + ")"; });
    if (items.length < 2) return items.join("");
    return items.slice(0, -1).join(", ") + " and " + items[items.length - 1];
  }

  function checkChoice(question, typed) {
    var picked = readLetters(question, typed);
    var right = question.type === "single_choice" ? [question.answer] : question.answer;
    var shown = picked.join(", ");
    var feedback = question.feedback || {};
    var extra = picked.filter(function (x) { return right.indexOf(x) < 0; }).sort();
    var missed = right.filter(function (x) { return picked.indexOf(x) < 0; }).sort();
    var note = function (x) { return "(" + x + ") " + feedback[x]; };
    var has = function (x) { return Object.prototype.hasOwnProperty.call(feedback, x); };
    var notes = extra.filter(has).map(note);
    var revealNotes = missed.filter(has).map(note);
    if (!extra.length && !missed.length) return outcome(true, shown);
    var message;
    var reveal;
    if (question.type === "single_choice") {
      message = "You chose (" + shown + "), which is not right.";
      reveal = "The answer is (" + question.answer + ").";
    } else {
      var parts = [];
      if (extra.length) {
        parts.push("you chose " + and(extra) + ", which " + (extra.length === 1 ? "is" : "are") +
          " not right");
      }
      if (missed.length) {
        parts.push("you left out " + missed.length + " right choice" + (missed.length > 1 ? "s" : ""));
      }
      message = "Not all of your choices match: " + parts.join("; ") + ".";
      reveal = "The right choices are " + and(question.answer) + ".";
    }
    return outcome(false, shown, message, notes, reveal, revealNotes);
  }

  function checkNumeric(question, typed) {
    var number = parseNumber(typed);
    var shown = formatG(number, 12);
    var error = Math.abs(number - question.answer);
    var bound = question.tolerance;
    if (error <= bound) return outcome(true, shown);
    var notes = (question.feedback || []).filter(function (known) {
      return Math.abs(number - Number(known.value)) <= bound;
    }).map(function (known) { return known.text; });
    var message = error <= 1000 * bound
      ? "Your answer " + shown + " is close, but not within " + formatG(bound, 3) + " of the answer."
      : "Your answer " + shown + " is not right.";
    var reveal = "The answer is " + question.answerText + "; yours is off by " + formatG(error, 3) + ".";
    return outcome(false, shown, message, notes, reveal);
  }

  function exprText(expr) {
    return rationalText(expr.value, expr.variables);
  }

  function holds(condition, expr, question, details) {
    if (condition.check === "depends_on") return !!expr.written[condition.symbol];
    if (condition.check === "denominator_depends_on") return !!expr.dividesBy[condition.symbol];
    var target = parseExpression(condition.equals, question.variables);
    if (condition.check === "limit") {
      var limit = limitOf(expr, condition.symbol, qdecimal(String(Number(condition.at))));
      details.limit = limit === null ? "infinity" : rationalText(limit, expr.variables);
      return limit !== null && requals(limit, target.value);
    }
    return requals(expr.value, target.value);
  }

  function cancelled(condition, typed, expr) {
    var pattern = new RegExp("(?<![A-Za-z0-9_])" + condition.symbol + "(?![A-Za-z0-9_])");
    if (condition.check !== "depends_on" || !pattern.test(typed)) return "";
    var shown = typed.trim().split(/\s+/).join(" ");
    return "Your expression, " + shown + ", simplifies to " + exprText(expr) + ": the " +
      condition.symbol + " you wrote cancels out, so as a whole it does not depend on " +
      condition.symbol + ". Write what a program computes step by step, before any " +
      "simplification by hand.";
  }

  function fill(message, expr, details) {
    var values = { answer: details.answer, limit: details.limit, simplified: exprText(expr) };
    ["answer", "limit", "simplified"].forEach(function (key) {
      if (values[key] !== undefined) message = message.split("{" + key + "}").join(values[key]);
    });
    return message;
  }

  function checkExpression(question, typed) {
    var expr = parseExpression(typed, question.variables);
    var shown = typed.trim().split(/\s+/).join(" ");
    var details = { answer: shown };
    for (var i = 0; i < question.conditions.length; i++) {
      var condition = question.conditions[i];
      if (!holds(condition, expr, question, details)) {
        var message = cancelled(condition, typed, expr) || fill(condition.message, expr, details);
        return outcome(false, shown, message, [], "One right answer is " + question.answerText + ".");
      }
    }
    return outcome(true, shown);
  }

  // One answer, typed as in the terminal ("t", "a, c", "3.01", "(x + h)**2 ..."), checked.
  function check(question, typed) {
    typed = String(typed);
    try {
      if (question.type === "true_false") {
        var word = typed.trim().toLowerCase();
        var value;
        if (word === "t" || word === "true") value = true;
        else if (word === "f" || word === "false") value = false;
        else throw new AnswerError("Please answer true or false (t or f).");
        var shown = value ? "true" : "false";
        if (value === question.answer) return outcome(true, shown);
        return outcome(false, shown, "The statement is " + question.answerText + ", not " + shown + ".");
      }
      if (question.type === "single_choice" || question.type === "multiple_choice") {
        return checkChoice(question, typed);
      }
      if (question.type === "numeric") return checkNumeric(question, typed);
      return checkExpression(question, typed);
    } catch (error) {
      if (!(error instanceof AnswerError)) throw error;
      var result = outcome(false, typed, error.message);
      result.readable = false;
      return result;
    }
  }

  window.CourseQuiz = { check: check, formatG: formatG };

  // -- The page --------------------------------------------------------------------------------

  function paragraph(text, className) {
    var p = document.createElement("p");
    if (className) p.className = className;
    p.textContent = text;
    return p;
  }

  function mark(label, text, className) {
    var span = document.createElement("span");
    span.className = "quiz-mark " + className;
    span.textContent = text;
    var where = label.querySelector(".quiz-text") || label;
    where.appendChild(document.createTextNode(" "));
    where.appendChild(span);
  }

  function unmark(label) {
    label.querySelectorAll(".quiz-mark").forEach(function (m) {
      if (m.previousSibling && m.previousSibling.nodeType === 3) m.previousSibling.remove();
      m.remove();
    });
    label.classList.remove("quiz-picked", "quiz-key");
  }

  function setup(root) {
    var questions = JSON.parse(root.getAttribute("data-quiz"));
    var lesson = root.getAttribute("data-lesson") || "";
    var command = root.getAttribute("data-command") || "";
    var total = questions.reduce(function (sum, q) { return sum + q.points; }, 0);
    var first = {}; // question id -> whether the first answer was right: what scores
    var score = root.querySelector(".quiz-score");

    function show(number) {
      return Number(number.toFixed(2)).toString();
    }

    function update() {
      var answered = 0;
      var earned = 0;
      questions.forEach(function (q) {
        if (q.id in first) {
          answered += 1;
          if (first[q.id]) earned += q.points;
        }
      });
      var done = answered === questions.length;
      var long = "Score: " + show(earned) + " of " + show(total) + " points (" + answered + " of " +
        questions.length + " questions answered)." + (done ? " All done." : "") +
        " Only first answers count." +
        (done && command ? " To record a score, run " + command + " in the terminal." : "");
      score.textContent = "";
      var full = document.createElement("span");
      full.className = "quiz-score-long";
      full.textContent = long;
      var short = document.createElement("span");
      short.className = "quiz-score-short";
      short.setAttribute("aria-hidden", "true");
      short.textContent = "Score " + show(earned) + "/" + show(total) + " · " + answered + "/" +
        questions.length + " answered";
      score.appendChild(full);
      score.appendChild(short);
      root.classList.toggle("quiz-finished", done);
    }

    function typedAnswer(question, form) {
      var picked = [];
      var typed = "";
      form.querySelectorAll("input").forEach(function (input) {
        if ((input.type === "radio" || input.type === "checkbox") && input.checked) {
          picked.push(input.value);
        }
        if (input.type === "text") typed = input.value;
      });
      if (question.type === "true_false" || question.type.slice(-7) === "_choice") {
        return picked.join(", ");
      }
      return typed;
    }

    function verdict(question, typed) {
      var local = check(question, typed);
      var server = window.CourseServer;
      if (!server || typeof server.checkQuiz !== "function") return Promise.resolve(local);
      return Promise.resolve()
        .then(function () { return server.checkQuiz(lesson, question.id, typed); })
        .then(function (r) {
          return {
            correct: !!r.correct,
            readable: r.readable !== false,
            message: r.message || "",
            notes: r.notes || [],
            reveal: "reveal" in r ? r.reveal : local.reveal,
            revealNotes: "revealNotes" in r ? r.revealNotes : local.revealNotes
          };
        })
        .catch(function () { return local; });
    }

    questions.forEach(function (question) {
      var form = root.querySelector('form[data-id="' + question.id + '"]');
      var feedback = form.querySelector(".quiz-feedback");
      var answerBox = form.querySelector(".quiz-answer");
      var explanation = form.querySelector(".quiz-explanation");
      var checkButton = form.querySelector(".quiz-check");
      var retry = form.querySelector(".quiz-retry");
      var giveUp = form.querySelector(".quiz-show");
      var last = null;

      function inputs(enabled) {
        form.querySelectorAll("input").forEach(function (input) { input.disabled = !enabled; });
      }

      function markChoices(reveal) {
        form.querySelectorAll(".quiz-choice").forEach(function (label) {
          var input = label.querySelector("input");
          unmark(label);
          label.classList.remove("quiz-picked", "quiz-key");
          var right = question.type === "true_false"
            ? String(question.answer) === input.value
            : (question.type === "single_choice" ? [question.answer] : question.answer)
              .indexOf(input.value) >= 0;
          if (input.checked) {
            label.classList.add("quiz-picked");
            mark(label, reveal || !right ? (right ? "✓ your choice" : "✗ your choice") : "your choice",
              "quiz-mark-picked");
          }
          if (reveal && right) {
            label.classList.add("quiz-key");
            mark(label, "right answer", "quiz-mark-key");
          }
        });
      }

      function close(result, gaveUp) {
        form.setAttribute("data-state", "closed");
        inputs(false);
        checkButton.disabled = true;
        retry.hidden = true;
        giveUp.hidden = true;
        markChoices(true);
        answerBox.textContent = "";
        if (gaveUp || !result.correct) {
          if (result.reveal) answerBox.appendChild(paragraph(result.reveal, "quiz-reveal"));
          (result.revealNotes || []).forEach(function (note) {
            answerBox.appendChild(paragraph(note, "quiz-remark"));
          });
        }
        answerBox.hidden = !answerBox.childNodes.length;
        explanation.hidden = false;
      }

      form.addEventListener("submit", function (event) {
        event.preventDefault();
        if (form.getAttribute("data-state") === "closed" || checkButton.disabled) return;
        var typed = typedAnswer(question, form);
        feedback.textContent = "";
        if (!typed.trim()) {
          var choose = question.type === "true_false" || question.type.slice(-7) === "_choice";
          feedback.appendChild(paragraph(choose ? "Choose an answer first." : "Type an answer first.",
            "quiz-unreadable"));
          feedback.hidden = false;
          return;
        }
        checkButton.disabled = true;
        verdict(question, typed).then(function (result) {
          checkButton.disabled = false;
          if (!result.readable) {
            feedback.appendChild(paragraph(result.message, "quiz-unreadable"));
            feedback.hidden = false;
            return; // not an answer yet: let the learner fix it
          }
          var isFirst = !(question.id in first);
          if (isFirst) first[question.id] = result.correct;
          last = result;
          form.classList.remove("quiz-right", "quiz-wrong");
          form.classList.add(result.correct ? "quiz-right" : "quiz-wrong");
          feedback.appendChild(paragraph(result.correct ? "Right." : "Not quite.", "quiz-verdict"));
          if (result.message) feedback.appendChild(paragraph(result.message));
          (result.notes || []).forEach(function (note) {
            feedback.appendChild(paragraph(note, "quiz-remark"));
          });
          if (!isFirst) {
            feedback.appendChild(paragraph(
              "Practice: this try does not change your score; only your first answer counts, " +
                "and it " + (first[question.id] ? "was right." : "was not right."),
              "quiz-practice"
            ));
          } else if (!result.correct) {
            feedback.appendChild(paragraph(
              "Only your first answer counts, so this question scores 0. Try again for " +
                "practice, or show the answer.",
              "quiz-practice"
            ));
          }
          feedback.hidden = false;
          if (result.correct) {
            close(result, false);
          } else {
            inputs(false);
            checkButton.disabled = true;
            markChoices(false);
            retry.hidden = false;
            giveUp.hidden = false;
          }
          update();
        });
      });

      retry.addEventListener("click", function () {
        feedback.textContent = "";
        feedback.hidden = true;
        retry.hidden = true;
        form.classList.remove("quiz-right", "quiz-wrong");
        form.querySelectorAll(".quiz-choice").forEach(unmark);
        inputs(true);
        checkButton.disabled = false;
        var input = form.querySelector("input");
        if (input) input.focus();
      });

      giveUp.addEventListener("click", function () {
        if (!(question.id in first)) first[question.id] = false;
        var result = last || { correct: false, reveal: "", revealNotes: [] };
        close(result, true);
        update();
        answerBox.focus();
      });
    });

    function clear(form) {
      form.classList.remove("quiz-right", "quiz-wrong");
      form.removeAttribute("data-state");
      form.querySelectorAll("input, button").forEach(function (element) { element.disabled = false; });
      form.querySelectorAll(".quiz-choice").forEach(unmark);
      ["quiz-feedback", "quiz-answer", "quiz-explanation"].forEach(function (name) {
        var box = form.querySelector("." + name);
        box.hidden = true;
        if (name !== "quiz-explanation") box.textContent = "";
      });
      form.querySelector(".quiz-retry").hidden = true;
      form.querySelector(".quiz-show").hidden = true;
    }

    // "Start again" is a fresh attempt: every answer and the score are cleared.
    root.querySelector(".quiz-reset").addEventListener("click", function () {
      first = {};
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
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
