#!/usr/bin/env node
/*
 * Runs tests/data/expression_cases.json against the browser engine survey_app/static/js/expressions.js, plus a
 * few checks of its API and of loading it as a classic <script>. Prints one line per failure and exits 1 if any;
 * tests/survey_app/test_expressions_js.py runs it under pytest.
 */
"use strict";

const fs = require("fs");
const path = require("path");
const vm = require("vm");

const ROOT = path.resolve(__dirname, "..", "..");
const ENGINE = path.join(ROOT, "survey_app", "static", "js", "expressions.js");
const CASES = process.argv[2] || path.join(ROOT, "tests", "data", "expression_cases.json");
const engine = require(ENGINE);

function sameValue(actual, expected) {
  if (typeof expected === "boolean" || typeof actual === "boolean") return actual === expected;
  if (typeof expected === "number") return typeof actual === "number" && actual === expected;
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && actual.every((v, i) => v === expected[i]);
  }
  return actual === expected;
}

function runCase(c) {
  const label = `${c.group}: ${JSON.stringify(c.source.slice(0, 60))}`;
  if (c.error) {
    try {
      engine.parse(c.source);
    } catch (e) {
      if (!(e instanceof engine.ExpressionError)) return `${label}: threw ${e && e.name} ${e && e.message}`;
      if (e.message !== c.error.message || e.position !== c.error.position) {
        return `${label}: error ${JSON.stringify(e.message)} at ${e.position}, ` +
          `expected ${JSON.stringify(c.error.message)} at ${c.error.position}`;
      }
      return null;
    }
    return `${label}: parsed, expected error ${JSON.stringify(c.error.message)}`;
  }
  let actual;
  try {
    actual = engine.evaluate(c.source, c.answers, c.current);
  } catch (e) {
    return `${label}: threw ${e && e.message}`;
  }
  return sameValue(actual, c.expected) ? null :
    `${label}: gave ${JSON.stringify(actual)}, expected ${JSON.stringify(c.expected)}`;
}

function check(name, ok, failures) {
  if (!ok) failures.push(`api: ${name}`);
}

function apiChecks(failures) {
  const e = engine.parse("selected(${Q3}, 'b') and ${Q5_a} != '' or . > ${Q3}");
  check("references are the sorted ids", JSON.stringify(e.references) === '["Q3","Q5_a"]', failures);
  check("usesCurrent is true when '.' is read", e.usesCurrent === true, failures);
  check("usesCurrent is false otherwise", engine.parse("${Q1} = 'A'").usesCurrent === false, failures);
  check("parse is memoised", engine.parse("${a} = 1") === engine.parse("${a} = 1"), failures);
  check("parsed expressions are frozen", Object.isFrozen(e), failures);
  check("references() helper", JSON.stringify(engine.references("${b} + ${a}")) === '["a","b"]', failures);
  check("evaluate takes a parsed expression", engine.evaluate(engine.parse("${a} + 1"), { a: 2 }) === 3, failures);
  check("isTrue follows XPath", engine.isTrue("0") && !engine.isTrue("") && !engine.isTrue(0), failures);
  try {
    engine.parse("${Q1} = foo('A')");
    failures.push("api: unknown function did not throw");
  } catch (err) {
    check("error text names the column", String(err) === "unknown function 'foo' at column 9", failures);
    check("errors are Errors", err instanceof Error && err.name === "ExpressionError", failures);
  }
  const seen = [];
  const answers = new Proxy({ a: "2", b: "1" }, { get(t, k) { seen.push(k); return t[k]; } });
  engine.evaluate("${a} = '1' and ${b} = '1'", answers);
  check("and short-circuits", seen.indexOf("b") < 0, failures);
  check("the day of answering is Vietnam's", engine.answeringDay(Date.UTC(2026, 10, 29, 17, 30)) === "2026-11-30" &&
    engine.answeringDay(Date.UTC(2026, 10, 29, 16, 59)) === "2026-11-29", failures);
}

function classicScriptCheck(failures) {
  const sandbox = { window: {} };
  vm.runInNewContext(fs.readFileSync(ENGINE, "utf8"), sandbox, { filename: "expressions.js" });
  const api = sandbox.window.ParsurveyExpressions;
  check("a classic script defines window.ParsurveyExpressions", api && api.evaluate("1 + 1", {}) === 2, failures);
}

function runDateBound(c) {
  const actual = engine.resolveDateBound(c.bound, c.today);
  return actual === c.expected ? null :
    `date_bounds: ${JSON.stringify(c.bound)} on ${c.today}: gave ${JSON.stringify(actual)}, ` +
    `expected ${JSON.stringify(c.expected)}`;
}

function main() {
  const table = JSON.parse(fs.readFileSync(CASES, "utf8"));
  const cases = table.cases;
  const failures = cases.map(runCase).concat((table.date_bounds || []).map(runDateBound)).filter((f) => f !== null);
  apiChecks(failures);
  classicScriptCheck(failures);
  failures.forEach((f) => console.log(`FAIL ${f}`));
  console.log(`${cases.length} cases, ${failures.length} failures`);
  process.exit(failures.length ? 1 : 0);
}

main();
