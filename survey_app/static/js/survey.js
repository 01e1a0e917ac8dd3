/* Live relevance on a survey page: shows and hides questions as the respondent answers, with the same expression
 * engine as the server (expressions.js). Hidden questions have their inputs disabled so that they are not posted.
 * The page works without this script: the server applies relevance again on every post and drops hidden answers.
 */
(function () {
  "use strict";
  /* A double click on Submit sends once: the second request would only be told "already submitted". */
  Array.prototype.forEach.call(document.querySelectorAll("form[data-submit-once]"), function (once) {
    var sent = false;
    once.addEventListener("submit", function (event) {
      if (sent) { event.preventDefault(); }
      sent = true;
    });
  });

  /* A page sent back with problems starts at their summary (for browsers that ignore autofocus on it). */
  var summary = document.querySelector(".summary[autofocus]");
  if (summary && document.activeElement !== summary) { summary.focus(); }

  /* A matrix whose table is wider than its box (long labels, many options) is shown as stacked rows instead. */
  function fitMatrices() {
    Array.prototype.forEach.call(document.querySelectorAll("table.matrix"), function (table) {
      table.classList.remove("stacked");
      if (table.offsetWidth > table.parentNode.clientWidth) { table.classList.add("stacked"); }
    });
  }
  fitMatrices();
  window.addEventListener("resize", fitMatrices);

  var engine = window.ParsurveyExpressions;
  /* A date bound relative to the day of answering ("not after today") follows the calendar on a page left open. */
  if (engine && engine.resolveDateBound) {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-min], input[data-max]"), function (input) {
      ["min", "max"].forEach(function (key) {
        var bound = input.getAttribute("data-" + key);
        var day = bound ? engine.resolveDateBound(bound) : null;
        if (day) { input.setAttribute(key, day); }
      });
    });
  }
  var form = document.querySelector("form.survey-page");
  var knownNode = document.getElementById("known-answers");
  if (!engine || !form || !knownNode) { return; }

  /* With script the respondent sees questions appear as they answer: none of them is "new" after sending. */
  var unseen = form.querySelector("input[name=unseen]");
  if (unseen) { unseen.parentNode.removeChild(unseen); }

  var known = JSON.parse(knownNode.textContent || "{}");
  var questions = Array.prototype.slice.call(form.querySelectorAll(".question[data-item]"));

  function words(text) {
    return (text || "").split(" ").filter(function (w) { return w !== ""; });
  }

  function inputsOf(question, variable) {
    return Array.prototype.filter.call(question.querySelectorAll("input, textarea, select"), function (el) {
      return el.name === variable;
    });
  }

  /* The value of one variable as the server stores it: option code, list of codes, number or string. */
  function valueOf(question, variable) {
    var inputs = inputsOf(question, variable);
    if (inputs.length === 0) { return undefined; }
    var type = question.getAttribute("data-type");
    if (inputs[0].type === "radio") {
      var checked = inputs.filter(function (el) { return el.checked; });
      return checked.length ? checked[0].value : undefined;
    }
    if (inputs[0].type === "checkbox") {
      return inputs.filter(function (el) { return el.checked; }).map(function (el) { return el.value; });
    }
    var raw = inputs[0].value.trim();
    if (raw === "") { return undefined; }
    if (type === "integer" || type === "decimal") {
      var number = Number(raw.replace(",", "."));
      if (isNaN(number)) { return raw; }
      return number;
    }
    return raw;
  }

  function setShown(question, shown) {
    question.hidden = !shown;
    var readOnly = question.hasAttribute("data-read-only");  /* keeps its default: the server ignores a post */
    Array.prototype.forEach.call(question.querySelectorAll("input, textarea, select"), function (el) {
      el.disabled = !shown || (readOnly && (el.type === "radio" || el.type === "checkbox"));
    });
  }

  function isShown(question, answers, hidden) {
    var expression = question.getAttribute("data-relevant");
    if (!expression) { return true; }
    var references = words(question.getAttribute("data-references"));
    for (var i = 0; i < references.length; i += 1) {
      if (hidden[references[i]]) { return false; }  /* what it depends on is itself not applicable */
    }
    try {
      return engine.isTrue(engine.evaluate(expression, answers));
    } catch (error) {
      return true;  /* never hide a question because of a script problem: the server decides in the end */
    }
  }

  /* A calculate item: its value from the answers above it, as the server computes it when the page is sent. */
  function calculate(question, variable, answers) {
    var value;
    try {
      value = engine.evaluate(question.getAttribute("data-calculation"), answers);
    } catch (error) {
      value = "";
    }
    inputsOf(question, variable).forEach(function (el) { el.value = value === "" ? "" : String(value); });
    return value === "" ? undefined : value;
  }

  /* Cascading choices: an option shows when the item's choice filter is true for it, reading the answers above
   * and the option's own columns as ${choice.<name>}; a chosen option that no longer fits is unticked. */
  function filterOptions(question, answers) {
    var expression = question.getAttribute("data-choice-filter");
    if (!question.choiceColumns) { question.choiceColumns = JSON.parse(question.getAttribute("data-choices") || "{}"); }
    var waiting = engine.parse(expression).references.some(function (name) {
      var value = answers[name];
      return name.indexOf("choice.") !== 0 && (value === undefined || value === "" || (Array.isArray(value) && !value.length));
    });
    Array.prototype.forEach.call(question.querySelectorAll("input[type=radio], input[type=checkbox]"), function (input) {
      var scope = {};
      var key;
      for (key in answers) { scope[key] = answers[key]; }
      var own = question.choiceColumns[input.value] || {};
      for (key in own) { scope[key] = own[key]; }
      var keep = true;
      try {
        keep = waiting || engine.isTrue(engine.evaluate(expression, scope));
      } catch (error) {
        keep = true;  /* never hide an option because of a script problem: the server decides in the end */
      }
      var label = input.closest("label");
      if (label) { label.hidden = !keep; }
      input.disabled = !keep;
      if (!keep) { input.checked = false; }
    });
  }

  /* One pass in questionnaire order: each question sees the answers above it, as on the server. */
  function apply() {
    var answers = {};
    var hidden = {};
    var name;
    for (name in (known.answers || {})) { answers[name] = known.answers[name]; }
    (known.not_applicable || []).forEach(function (v) { hidden[v] = true; });
    questions.forEach(function (q) {
      words(q.getAttribute("data-variables")).forEach(function (v) { delete answers[v]; });
    });
    questions.forEach(function (q) {
      var shown = isShown(q, answers, hidden);
      setShown(q, shown);
      if (shown && q.hasAttribute("data-choice-filter")) { filterOptions(q, answers); }
      var variables = words(q.getAttribute("data-variables"));
      if (!shown) { hidden[q.getAttribute("data-item")] = true; }
      variables.forEach(function (v) {
        var value = shown ? (q.hasAttribute("data-calculation") ? calculate(q, v, answers) : valueOf(q, v)) : undefined;
        if (!shown) { hidden[v] = true; }
        if (value !== undefined) { answers[v] = value; }
      });
    });
    pipeAnswers(hidden);
  }

  /* Piping: "${item}" in a text shows that answer; the server fills answers of earlier pages, this script those
   * of the same page as the respondent gives them (option labels for choices, the typed text otherwise). */
  function shownAnswer(question, variable, hidden) {
    if (hidden[variable]) { return ""; }
    var inputs = inputsOf(question, variable);
    if (inputs.length && (inputs[0].type === "radio" || inputs[0].type === "checkbox")) {
      return inputs.filter(function (el) { return el.checked; }).map(function (el) {
        var label = el.closest("label") || form.querySelector('label[for="' + el.id + '"]');
        return label ? label.textContent.trim() : el.value;
      }).join(", ");
    }
    return inputs.length ? inputs[0].value.trim() : "";
  }

  function pipeAnswers(hidden) {
    Array.prototype.forEach.call(form.querySelectorAll("[data-pipe]"), function (span) {
      var name = span.getAttribute("data-pipe");
      var owner = questions.filter(function (q) {
        return words(q.getAttribute("data-variables")).indexOf(name) >= 0;
      })[0];
      if (owner) { span.textContent = shownAnswer(owner, name, hidden); }
    });
  }

  form.addEventListener("change", apply);
  form.addEventListener("input", apply);
  apply();
}());
