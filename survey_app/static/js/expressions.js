/*
 * The browser mirror of questionnaires.expressions: the same expression language of relevance and constraints,
 * so a page can show and hide questions as the respondent answers, exactly as the server will judge them.
 * Both engines pass tests/data/expression_cases.json. Plain ES2017, no dependencies: a classic script defines
 * window.ParsurveyExpressions, and Node loads it with require() for the tests.
 *
 * Positions are counted in characters (code points) like Python, not in UTF-16 units.
 */
(function (root) {
  "use strict";

  var MISSING = "";
  var MAX_DEPTH = 100;
  var NUMERIC = /^[ \t\r\n]*-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[ \t\r\n]*$/;
  var WHITESPACE = /[ \t\r\n]+/;
  var SYMBOLS = ["!=", "<=", ">=", "=", "<", ">", "+", "-", "*", "(", ")", ","];
  var MISTAKES = [
    ["==", "use '=' to compare, not '=='"], ["&&", "use 'and', not '&&'"], ["||", "use 'or', not '||'"],
    ["!", "use not(...) to negate, not '!'"], ["/", "use 'div' to divide, not '/'"],
    ["%", "use 'mod' for the remainder, not '%'"]
  ];
  var INFIX = { "or": 1, "and": 2, "=": 3, "!=": 3, "<": 4, "<=": 4, ">": 4, ">=": 4,
    "+": 5, "-": 5, "*": 6, "div": 6, "mod": 6 };
  var PREFIX_MINUS = 7;
  var FUNCTIONS = { "selected": [2, 2], "count-selected": [1, 1], "string-length": [1, 1], "if": [3, 3],
    "number": [1, 1], "coalesce": [2, 2], "not": [1, 1], "true": [0, 0], "false": [0, 0], "regex": [2, 2] };
  var MAX_PATTERN = 200;

  // ---- errors ---------------------------------------------------------------------------------------------

  function ExpressionError(message, position, source) {
    var error = new Error(message + " at column " + (position + 1));
    Object.setPrototypeOf(error, ExpressionError.prototype);
    error.name = "ExpressionError";
    error.message = message;
    error.position = position;
    error.source = source;
    return error;
  }
  ExpressionError.prototype = Object.create(Error.prototype);
  ExpressionError.prototype.constructor = ExpressionError;
  ExpressionError.prototype.toString = function () {
    return this.message + " at column " + (this.position + 1);
  };

  // ---- tokens ---------------------------------------------------------------------------------------------

  function isDigit(ch) { return ch >= "0" && ch <= "9"; }
  function isLetter(ch) { return (ch >= "a" && ch <= "z") || (ch >= "A" && ch <= "Z") || ch === "_"; }
  function isIdChar(ch) { return isLetter(ch) || isDigit(ch) || ch === "." || ch === "-"; }

  function describe(ch) {
    if (ch > " " && ch < "\x7f") return "'" + ch + "'";
    var hex = ch.codePointAt(0).toString(16).toUpperCase();
    return "U+" + (hex.length < 4 ? "0000".slice(hex.length) + hex : hex);
  }

  function startsWith(chars, text, at) {
    for (var k = 0; k < text.length; k++) {
      if (chars[at + k] !== text[k]) return false;
    }
    return true;
  }

  function indexOf(chars, ch, from) {
    for (var k = from; k < chars.length; k++) {
      if (chars[k] === ch) return k;
    }
    return -1;
  }

  function tokenize(source) {
    var chars = Array.from(source);
    var tokens = [];
    var i = 0;
    function slice(a, b) { return chars.slice(a, b).join(""); }
    function fail(message, at) { throw ExpressionError(message, at, source); }
    while (i < chars.length) {
      var ch = chars[i];
      var start = i;
      if (ch === " " || ch === "\t" || ch === "\r" || ch === "\n") {
        i += 1;
      } else if (isDigit(ch) || (ch === "." && i + 1 < chars.length && isDigit(chars[i + 1]))) {
        while (i < chars.length && isDigit(chars[i])) i += 1;
        if (i < chars.length && chars[i] === ".") {
          i += 1;
          while (i < chars.length && isDigit(chars[i])) i += 1;
        }
        var value = Number(slice(start, i));
        if (value === Infinity) fail("number too large", start);
        tokens.push({ kind: "number", text: slice(start, i), position: start, value: value });
      } else if (ch === ".") {
        tokens.push({ kind: "current", text: ".", position: i });
        i += 1;
      } else if (ch === "'" || ch === "\"") {
        var close = indexOf(chars, ch, i + 1);
        if (close < 0) fail("unterminated string (missing closing quote)", start);
        tokens.push({ kind: "string", text: slice(start, close + 1), position: start, value: slice(start + 1, close) });
        i = close + 1;
      } else if (ch === "$") {
        i = reference(chars, start, tokens, fail);
      } else if (isLetter(ch)) {
        i += 1;
        while (i < chars.length && (isLetter(chars[i]) || isDigit(chars[i]) ||
               (chars[i] === "-" && i + 1 < chars.length && isLetter(chars[i + 1])))) i += 1;
        tokens.push({ kind: "name", text: slice(start, i), position: start });
      } else {
        i = symbol(chars, start, tokens, fail);
      }
    }
    tokens.push({ kind: "end", text: "", position: chars.length });
    return tokens;
  }

  function reference(chars, start, tokens, fail) {
    if (chars[start + 1] !== "{") fail("'$' must start a reference like ${Q1}", start);
    var close = indexOf(chars, "}", start + 2);
    if (close < 0) fail("unterminated reference '${' (missing '}')", start);
    var name = chars.slice(start + 2, close);
    if (name.length === 0) fail("empty reference '${}'", start);
    for (var j = 0; j < name.length; j++) {
      if (!(j === 0 ? isLetter(name[j]) : isIdChar(name[j]))) {
        fail("invalid item id '" + name.join("") + "' in reference", start + 2 + j);
      }
    }
    tokens.push({ kind: "ref", text: chars.slice(start, close + 1).join(""), position: start, value: name.join("") });
    return close + 1;
  }

  function symbol(chars, start, tokens, fail) {
    for (var m = 0; m < MISTAKES.length; m++) {
      if (startsWith(chars, MISTAKES[m][0], start) && !startsWith(chars, "!=", start)) fail(MISTAKES[m][1], start);
    }
    for (var s = 0; s < SYMBOLS.length; s++) {
      if (startsWith(chars, SYMBOLS[s], start)) {
        tokens.push({ kind: "symbol", text: SYMBOLS[s], position: start });
        return start + SYMBOLS[s].length;
      }
    }
    return fail("unexpected character " + describe(chars[start]), start);
  }

  // ---- parser (Pratt): trees are arrays ["literal", v], ["ref", id], ["current"], ["negate", node],
  // ["binary", op, left, right], ["call", name, [args]] ------------------------------------------------------

  function operatorOf(token) {
    if ((token.kind === "symbol" || token.kind === "name") && Object.prototype.hasOwnProperty.call(INFIX, token.text)) {
      return token.text;
    }
    return null;
  }

  function shown(token) {
    if (token.kind === "end") return "end of expression";
    return token.kind === "string" ? token.text : "'" + token.text + "'";
  }

  function isSymbol(token, text) { return token.kind === "symbol" && token.text === text; }

  function Parser(source) {
    this.source = source;
    this.tokens = tokenize(source);
    this.index = 0;
  }

  Parser.prototype.error = function (message, token) { return ExpressionError(message, token.position, this.source); };
  Parser.prototype.peek = function () { return this.tokens[this.index]; };
  Parser.prototype.advance = function () { return this.tokens[this.index++]; };

  Parser.prototype.parse = function () {
    if (this.peek().kind === "end") throw ExpressionError("empty expression", 0, this.source);
    var tree = this.expression(0, 0)[0];
    var token = this.peek();
    if (token.kind !== "end") {
      throw this.error("unexpected " + shown(token) + (token.kind !== "symbol" ? " (missing operator?)" : ""), token);
    }
    return tree;
  };

  Parser.prototype.expression = function (minPower, height) {
    var result = this.operand(height);
    var left = result[0];
    var leftHeight = result[1];
    var op;
    while ((op = operatorOf(this.peek())) !== null && INFIX[op] > minPower) {
      var token = this.advance();
      var right = this.expression(INFIX[op], height + 1);
      left = ["binary", op, left, right[0]];
      leftHeight = Math.max(leftHeight, right[1]) + 1;
      this.checkHeight(height + leftHeight, token);
    }
    return [left, leftHeight];
  };

  Parser.prototype.checkHeight = function (height, token) {
    if (height > MAX_DEPTH) throw this.error("expression nested too deeply (more than " + MAX_DEPTH + " levels)", token);
  };

  Parser.prototype.operand = function (height) {
    var token = this.advance();
    this.checkHeight(height, token);
    if (token.kind === "number" || token.kind === "string") return [["literal", token.value], 1];
    if (token.kind === "ref") return [["ref", token.value], 1];
    if (token.kind === "current") return [["current"], 1];
    if (isSymbol(token, "-")) {
      var negated = this.expression(PREFIX_MINUS, height + 1);
      return [["negate", negated[0]], negated[1] + 1];
    }
    if (isSymbol(token, "(")) {
      var inner = this.expression(0, height + 1);
      this.expectClose();
      return inner;
    }
    if (token.kind === "name" && !Object.prototype.hasOwnProperty.call(INFIX, token.text)) {
      return this.call(token, height);
    }
    throw this.error("expected a value, found " + shown(token), token);
  };

  Parser.prototype.expectClose = function () {
    var token = this.peek();
    if (isSymbol(token, ")")) {
      this.advance();
      return;
    }
    if (token.kind === "end") throw this.error("missing ')'", token);
    throw this.error("expected ')' or an operator, found " + shown(token), token);
  };

  Parser.prototype.call = function (name, height) {
    var known = Object.prototype.hasOwnProperty.call(FUNCTIONS, name.text);
    if (!isSymbol(this.peek(), "(")) {
      if (known) throw this.error("function '" + name.text + "' needs parentheses: " + name.text + "(...)", name);
      throw this.error("unknown name '" + name.text + "' (an answer is written ${" + name.text + "})", name);
    }
    if (!known) throw this.error("unknown function '" + name.text + "'", name);
    this.advance();
    var result = this.arguments(height + 1);
    var args = result[0];
    var fewest = FUNCTIONS[name.text][0];
    var most = FUNCTIONS[name.text][1];
    if (args.length < fewest || args.length > most) {
      var wanted = fewest === most ? String(fewest) : fewest + " to " + most;
      var noun = wanted === "1" ? "argument" : "arguments";
      throw this.error("function '" + name.text + "' takes " + wanted + " " + noun + ", not " + args.length, name);
    }
    if (name.text === "regex") {
      var pattern = args[1];
      if (pattern[0] !== "literal" || typeof pattern[1] !== "string") {
        throw this.error("regex() needs its pattern as quoted text", name);
      }
      var problem = patternProblem(pattern[1]);
      if (problem) throw this.error(problem, name);
    }
    return [["call", name.text, args], result[1] + 1];
  };

  // ---- regex(): patterns that cannot run for ages (questionnaires/expressions/patterns.py) -------------------

  function classEnd(pattern, start) {
    var index = start + 1;
    if (pattern.charAt(index) === "^") index += 1;
    if (pattern.charAt(index) === "]") index += 1;
    while (index < pattern.length && pattern.charAt(index) !== "]") index += pattern.charAt(index) === "\\" ? 2 : 1;
    return index + 1;
  }

  function patternProblem(pattern) {
    if (Array.from(pattern).length > MAX_PATTERN) {
      return "regex pattern is longer than " + MAX_PATTERN + " characters";
    }
    var groups = [];
    var index = 0;
    while (index < pattern.length) {
      var ch = pattern.charAt(index);
      if (ch === "\\") {
        if ("123456789".indexOf(pattern.charAt(index + 1)) >= 0 && pattern.charAt(index + 1) !== "") {
          return "regex back-references (\\1) are not allowed";
        }
        index += 2;
        continue;
      }
      if (ch === "[") {
        index = classEnd(pattern, index);
        continue;
      }
      if (ch === "(") {
        if (pattern.substr(index, 2) === "(?" && pattern.substr(index, 3) !== "(?:") {
          return "regex groups other than (...) and (?:...) are not allowed (no look-around, no names)";
        }
        groups.push(false);
      } else if ((ch === "|" || ch === "*" || ch === "+" || ch === "{") && groups.length) {
        groups[groups.length - 1] = true;
      } else if (ch === ")" && groups.length) {
        var risky = groups.pop();
        var following = pattern.charAt(index + 1);
        if (risky && (following === "*" || following === "+" || following === "{")) {
          return "regex pattern could take very long to check: a group that repeats or has alternatives " +
            "is itself repeated";
        }
        if (risky && groups.length) groups[groups.length - 1] = true;
      }
      index += 1;
    }
    try {
      compiledPattern(pattern);
    } catch (error) {
      return "regex pattern is not valid";
    }
    return null;
  }

  var patternCache = new Map();
  function compiledPattern(pattern) {
    if (!patternCache.has(pattern)) {
      if (patternCache.size >= 512) patternCache.clear();
      patternCache.set(pattern, new RegExp(pattern));
    }
    return patternCache.get(pattern);
  }

  Parser.prototype.arguments = function (height) {
    var args = [];
    var tallest = 0;
    if (isSymbol(this.peek(), ")")) {
      this.advance();
      return [args, tallest];
    }
    for (;;) {
      var arg = this.expression(0, height);
      args.push(arg[0]);
      tallest = Math.max(tallest, arg[1]);
      if (isSymbol(this.peek(), ",")) {
        this.advance();
        continue;
      }
      this.expectClose();
      return [args, tallest];
    }
  };

  // ---- values ---------------------------------------------------------------------------------------------

  function finite(number) { return isFinite(number) ? number : MISSING; }

  function normalise(value) {
    if (value === null || value === undefined || value === "") return MISSING;
    if (typeof value === "boolean" || typeof value === "string") return value;
    if (typeof value === "number") return finite(value);
    if (Array.isArray(value)) {
      var codes = value.filter(function (v) { return v !== null && v !== undefined && v !== ""; }).map(String);
      return codes.length ? codes : MISSING;
    }
    return String(value);
  }

  function toString(value) {
    if (typeof value === "boolean") return value ? "true" : "false";
    if (Array.isArray(value)) return value.join(" ");
    return String(value);
  }

  function toNumber(value) {
    if (typeof value === "boolean") return value ? 1 : 0;
    if (typeof value === "number") return value;
    if (Array.isArray(value)) value = toString(value);
    if (typeof value === "string" && NUMERIC.test(value)) return finite(Number(value));
    return MISSING;
  }

  function isTrue(value) {
    if (typeof value === "boolean") return value;
    if (typeof value === "number") return value !== 0 && !isNaN(value);
    if (value === null || value === undefined) return false;
    if (typeof value === "string" || Array.isArray(value)) return value.length > 0;
    return true;
  }

  function codesOf(value) {
    if (Array.isArray(value)) return value;
    if (value === MISSING) return [];
    return toString(value).split(WHITESPACE).filter(function (code) { return code !== ""; });
  }

  function equals(left, right) {
    if (typeof left === "boolean" || typeof right === "boolean") return isTrue(left) === isTrue(right);
    if (typeof left === "number" || typeof right === "number") {
      var a = toNumber(left);
      var b = toNumber(right);
      return a !== MISSING && b !== MISSING && a === b;
    }
    return toString(left) === toString(right);
  }

  /** Code point order, as Python compares strings (JavaScript's < compares UTF-16 units). */
  function compareText(a, b) {
    var x = Array.from(a);
    var y = Array.from(b);
    for (var k = 0; k < Math.min(x.length, y.length); k++) {
      var d = x[k].codePointAt(0) - y[k].codePointAt(0);
      if (d !== 0) return d;
    }
    return x.length - y.length;
  }

  var RELATIONS = {
    "<": function (d) { return d < 0; }, "<=": function (d) { return d <= 0; },
    ">": function (d) { return d > 0; }, ">=": function (d) { return d >= 0; }
  };

  function compare(left, right, op) {
    if (left === MISSING || right === MISSING) return false;
    var a = toNumber(left);
    var b = toNumber(right);
    if (a !== MISSING && b !== MISSING) return RELATIONS[op](a < b ? -1 : a > b ? 1 : 0);
    if (typeof left === "number" || typeof left === "boolean" || typeof right === "number" ||
        typeof right === "boolean") return false;
    return RELATIONS[op](compareText(toString(left), toString(right)));
  }

  // ---- evaluation -----------------------------------------------------------------------------------------

  function arithmetic(op, a, b) {
    if (a === MISSING || b === MISSING) return MISSING;
    if ((op === "div" || op === "mod") && b === 0) return MISSING;
    var result;
    if (op === "+") result = a + b;
    else if (op === "-") result = a - b;
    else if (op === "*") result = a * b;
    else if (op === "div") result = a / b;
    else result = a % b;
    return finite(result);
  }

  function evaluateTree(node, context) {
    switch (node[0]) {
      case "literal": return node[1];
      case "ref": return normalise(Object.prototype.hasOwnProperty.call(context.answers, node[1]) ?
        context.answers[node[1]] : undefined);
      case "current": return context.current;
      case "negate": {
        var value = toNumber(evaluateTree(node[1], context));
        return value === MISSING ? MISSING : -value;
      }
      case "binary": return binary(node[1], node[2], node[3], context);
      default: return call(node[1], node[2], context);
    }
  }

  function binary(op, leftNode, rightNode, context) {
    var left = evaluateTree(leftNode, context);
    if (op === "and") return isTrue(left) && isTrue(evaluateTree(rightNode, context));
    if (op === "or") return isTrue(left) || isTrue(evaluateTree(rightNode, context));
    var right = evaluateTree(rightNode, context);
    if (op === "=") return equals(left, right);
    if (op === "!=") return !equals(left, right);
    if (Object.prototype.hasOwnProperty.call(RELATIONS, op)) return compare(left, right, op);
    return arithmetic(op, toNumber(left), toNumber(right));
  }

  function call(name, args, context) {
    if (name === "true") return true;
    if (name === "false") return false;
    if (name === "if") return evaluateTree(isTrue(evaluateTree(args[0], context)) ? args[1] : args[2], context);
    if (name === "coalesce") {
      var first = evaluateTree(args[0], context);
      return first !== MISSING ? first : evaluateTree(args[1], context);
    }
    var values = args.map(function (arg) { return evaluateTree(arg, context); });
    if (name === "not") return !isTrue(values[0]);
    if (name === "selected") return codesOf(values[0]).indexOf(toString(values[1])) >= 0;
    if (name === "count-selected") return codesOf(values[0]).length;
    if (name === "string-length") return Array.from(toString(values[0])).length;
    if (name === "regex") return compiledPattern(toString(values[1])).test(toString(values[0]));
    return toNumber(values[0]);
  }

  // ---- public API -----------------------------------------------------------------------------------------

  function collect(node, refs) {
    switch (node[0]) {
      case "ref": refs[node[1]] = true; return false;
      case "current": return true;
      case "literal": return false;
      default: {
        var children = node[0] === "negate" ? [node[1]] : node[0] === "binary" ? [node[2], node[3]] : node[2];
        var found = false;
        children.forEach(function (child) { found = collect(child, refs) || found; });
        return found;
      }
    }
  }

  var cache = new Map();
  var CACHE_SIZE = 2048;

  /** The parsed expression {source, references (sorted ids), usesCurrent}; throws ExpressionError. */
  function parse(source) {
    if (typeof source !== "string") {
      throw ExpressionError("an expression must be text, not " + typeof source, 0, String(source));
    }
    if (cache.has(source)) return cache.get(source);
    var tree = new Parser(source).parse();
    var refs = {};
    var usesCurrent = collect(tree, refs);
    var expression = Object.freeze({
      source: source, references: Object.freeze(Object.keys(refs).sort()), usesCurrent: usesCurrent, tree: tree
    });
    if (cache.size >= CACHE_SIZE) cache.clear();
    cache.set(source, expression);
    return expression;
  }

  /** The value of an expression (source or parsed) for answers {id: value}; `current` is the value of ".". */
  function evaluate(expression, answers, current) {
    var parsed = typeof expression === "string" ? parse(expression) : expression;
    return evaluateTree(parsed.tree, { answers: answers || {}, current: normalise(current) });
  }

  function references(source) { return parse(source).references; }

  // ---- date bounds relative to the day of answering (questionnaires/date_bounds.py) --------------------------

  var RELATIVE_BOUND = /^\s*today\s*(?:([+-])\s*(\d{1,5})\s*)?$/;
  var ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

  /** Today's date in Vietnam (UTC+7) as YYYY-MM-DD: the day a relative bound counts from, as on the server. */
  function answeringDay(now) {
    var moment = now === undefined ? Date.now() : now;
    return new Date(moment + 7 * 3600 * 1000).toISOString().slice(0, 10);
  }

  /** A date bound ('today', 'today - 30' or a fixed 'YYYY-MM-DD') as an ISO date on `today` (default: the day
   *  of answering); null for no or an unreadable bound. */
  function resolveDateBound(bound, today) {
    if (typeof bound !== "string") return null;
    var relative = RELATIVE_BOUND.exec(bound);
    if (relative) {
      var base = ISO_DATE.exec(today || answeringDay());
      var days = relative[2] === undefined ? 0 : (relative[1] === "-" ? -1 : 1) * parseInt(relative[2], 10);
      var day = new Date(Date.UTC(+base[1], +base[2] - 1, +base[3] + days));
      return day.toISOString().slice(0, 10);
    }
    var fixed = ISO_DATE.exec(bound);
    if (!fixed) return null;
    var check = new Date(Date.UTC(+fixed[1], +fixed[2] - 1, +fixed[3]));
    return check.getUTCMonth() === +fixed[2] - 1 && check.getUTCDate() === +fixed[3] ? bound : null;
  }

  var api = {
    ExpressionError: ExpressionError, parse: parse, evaluate: evaluate, isTrue: isTrue, references: references,
    MISSING: MISSING, resolveDateBound: resolveDateBound, answeringDay: answeringDay
  };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  if (root) root.ParsurveyExpressions = api;
})(typeof window !== "undefined" ? window : null);
