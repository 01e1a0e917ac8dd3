#!/usr/bin/env node
/*
 * Differential testing helper: reads [{source, answers, current}] as JSON on stdin and writes, in the same order,
 * {value} or {error: {message, position}} (or {crash} for anything that is not an ExpressionError) on stdout.
 */
"use strict";

const path = require("path");
const engine = require(path.resolve(__dirname, "..", "..", "survey_app", "static", "js", "expressions.js"));

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const results = JSON.parse(input).map((c) => {
    try {
      return { value: engine.evaluate(c.source, c.answers, c.current) };
    } catch (e) {
      if (e instanceof engine.ExpressionError) return { error: { message: e.message, position: e.position } };
      return { crash: String(e && e.stack) };
    }
  });
  process.stdout.write(JSON.stringify(results));
});
