# R survey's answers for the differential tests (tests/analysis/test_against_r.py), in one Rscript run.
#
# Usage: Rscript r_reference.R DIR
# DIR holds designs.csv (one row per design), requests.csv (one row per estimate), one CSV of data per design
# and, for weighting steps, one CSV of population counts. Writes DIR/results.csv: request id, name (the
# estimate's name or domain), estimate, se, ci_low, ci_high, deff (17 significant digits), or an "ERROR" row.
# Domains are estimated on subset(design, by == level), which is what svyby does for each level.

suppressMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]
designs <- read.csv(file.path(dir, "designs.csv"), stringsAsFactors = FALSE, na.strings = "")
requests <- read.csv(file.path(dir, "requests.csv"), stringsAsFactors = FALSE, na.strings = "")
out <- file(file.path(dir, "results.csv"), open = "w")
writeLines("id,name,estimate,se,ci_low,ci_high,deff", out)

num <- function(x) ifelse(is.na(x) & !is.nan(x), "NA", sprintf("%.17g", x))
emit <- function(id, name, est, se, ci, deff = NA) {
  writeLines(paste(id, name, num(est), num(se), num(ci[1]), num(ci[2]), num(deff), sep = ","), out)
}
f <- function(v) as.formula(paste("~", v))
plus <- function(v) if (is.na(v) || v == "") NULL else as.formula(paste("~", gsub(";", "+", v)))

build <- function(row) {
  data <- read.csv(file.path(dir, row$data), stringsAsFactors = FALSE)
  ids <- if (is.na(row$ids) || row$ids == "") ~1 else plus(row$ids)
  d <- svydesign(ids = ids, strata = plus(row$strata), fpc = plus(row$fpc), weights = plus(row$weights),
                 data = data)
  if (row$step == "trim" || row$step == "trim_strict") {
    d <- trimWeights(d, upper = row$upper, lower = row$lower, strict = row$step == "trim_strict")
  } else if (row$step == "poststratify") {
    pop <- read.csv(file.path(dir, row$population), stringsAsFactors = FALSE)
    d <- postStratify(d, ~g1, pop)
  } else if (row$step == "rake") {
    pop <- read.csv(file.path(dir, row$population), stringsAsFactors = FALSE)
    totals <- setNames(pop$total, pop$name)
    d <- calibrate(d, ~g1 + g2, population = totals, calfun = "raking", epsilon = 1e-12, maxit = 200)
  }
  d
}

one <- function(r, d, id, name, df) {
  kind <- sub("_by$", "", r$kind)
  if (kind == "mean") {
    m <- tryCatch(svymean(f(r$var), d, na.rm = TRUE, deff = TRUE),  # deff=TRUE fails on a one-row domain
                  error = function(e) svymean(f(r$var), d, na.rm = TRUE))
    emit(id, name, coef(m), SE(m), confint(m, df = df), if (is.null(attr(m, "deff"))) NaN else deff(m))
  } else if (kind == "total") {
    m <- svytotal(f(r$var), d, na.rm = TRUE, deff = TRUE)
    emit(id, name, coef(m), SE(m), confint(m, df = df), deff(m))
  } else if (kind == "ratio") {
    m <- svyratio(f(r$var), f(r$var2), d, na.rm = TRUE)
    emit(id, name, coef(m), SE(m), confint(m, df = df))
  } else if (kind == "quantile") {
    m <- svyquantile(f(r$var), d, r$p, ci = TRUE, na.rm = TRUE)
    emit(id, name, coef(m), SE(m), confint(m))
  } else if (kind == "ciprop") {
    m <- svyciprop(f(r$var), d, method = r$method)
    emit(id, name, coef(m), SE(m), confint(m))
  } else if (kind == "deff_replace") {
    m <- svymean(f(r$var), d, na.rm = TRUE, deff = "replace")
    emit(id, name, coef(m), SE(m), confint(m, df = df), deff(m))
  } else if (kind == "svyvar") {
    m <- svyvar(f(r$var), d, na.rm = TRUE)
    emit(id, name, coef(m), SE(m), confint(m, df = df))
  } else if (kind == "nlcon") {
    m <- svymean(as.formula(paste("~", r$var, "+", r$var2)), d, na.rm = TRUE)
    con <- svycontrast(m, parse(text = paste0("log(", r$var2, ") * ", r$var))[[1]])
    emit(id, name, coef(con), SE(con), confint(con, df = df))
  } else {
    stop("unknown kind ", r$kind)
  }
}

for (i in seq_len(nrow(designs))) {
  row <- designs[i, ]
  options(survey.lonely.psu = row$lonely)
  d <- tryCatch(build(row), error = function(e) e)
  for (j in which(requests$case == row$case)) {
    r <- requests[j, ]
    result <- tryCatch(suppressWarnings({
      if (inherits(d, "error")) stop(conditionMessage(d))
      df <- degf(d)
      if (r$kind == "contrast") {
        b <- svyby(f(r$var), f(r$by), d, svymean, covmat = TRUE, na.rm = TRUE)
        k <- length(coef(b))
        con <- svycontrast(b, c(1, rep(0, k - 2), -1))
        emit(r$id, "contrast", coef(con), SE(con), confint(con, df = df))
      } else if (grepl("_by$", r$kind)) {
        levels <- sort(unique(d$variables[[r$by]]))
        for (level in levels) {
          sub <- d[d$variables[[r$by]] == level, ]
          one(r, sub, r$id, level, df)
        }
      } else {
        one(r, d, r$id, r$var, df)
      }
    }), error = function(e) {
      writeLines(paste(r$id, "ERROR", gsub("[,\n]", ";", conditionMessage(e)), "", "", "", "", sep = ","), out)
    })
  }
}
close(out)
