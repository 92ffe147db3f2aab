// Independent validators for premarket's JSON outputs, run in one batch so
// each schema is compiled once.
//
// Usage: node validate.mjs TASKS.tsv
//
// Each line of TASKS.tsv is "kind<TAB>file[<TAB>argument]":
//
//   cdx-json   FILE           CycloneDX JSON: the official CycloneDX JavaScript
//                             library's JsonStrictValidator for the file's
//                             specVersion (schemas shipped in the npm package)
//   sarif      FILE           SARIF 2.1.0: ajv (draft-04) with the SARIF 2.1.0
//                             schema shipped in @microsoft/jest-sarif, and ajv
//                             (2020-12) with the schema shipped in
//                             @microsoft/sarif-multitool-linux when installed
//   spdx-json  FILE SCHEMA    SPDX JSON: ajv (draft-07) with the given official
//                             SPDX 2.3 schema
//   multitool  LOG            a SARIF log written by "Sarif.Multitool validate":
//                             one result row per file it analysed
//
// It prints one row per check: "file<TAB>validator<TAB>PASS|FAIL|SKIP<TAB>detail"
// and exits 0 (the caller decides what a FAIL means). Nothing here is
// premarket's code or premarket's copy of a schema.

import { createRequire } from 'node:module'
import { readFileSync, existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const here = dirname(fileURLToPath(import.meta.url))

/** At most this many schema errors are printed per file. */
const MAX_ERRORS = 8

const rows = []
function row (file, validator, result, detail = '') {
  rows.push([file, validator, result, String(detail).replace(/[\t\n]+/g, ' ')].join('\t'))
}

/**
 * formatErrors turns ajv errors into "path: message" text. Errors that differ
 * only in array indexes are merged ("/packages/*\/x … ×47, first at
 * /packages/29"), and the offending value is shown when ajv kept it (verbose).
 */
function formatErrors (errors) {
  const groups = new Map()
  for (const e of errors ?? []) {
    const path = e.instancePath || '/'
    let msg = e.message
    if (e.params?.additionalProperty !== undefined) msg += ` (${e.params.additionalProperty})`
    if (e.params?.allowedValues !== undefined) msg += ` (allowed: ${e.params.allowedValues.join(', ')})`
    const key = path.replace(/\/\d+(?=\/|$)/g, '/*') + ': ' + msg
    const g = groups.get(key)
    if (g) { g.n++; continue }
    const value = e.data !== undefined && typeof e.data !== 'object' ? ` (value ${JSON.stringify(e.data)})` : ''
    groups.set(key, { n: 1, first: path, value })
  }
  const out = [...groups].map(([key, g]) => g.n > 1 ? `${key}${g.value} ×${g.n}, first at ${g.first}` : `${g.first}: ${key.slice(key.indexOf(': ') + 2)}${g.value}`)
  const more = out.length > MAX_ERRORS ? `; … ${out.length - MAX_ERRORS} more` : ''
  return out.slice(0, MAX_ERRORS).join('; ') + more
}

function readJSON (file) {
  return JSON.parse(readFileSync(file, 'utf8'))
}

// ---- CycloneDX -------------------------------------------------------------

let CDX
const cdxValidators = new Map()
let cdxAllErrors // ajv with allErrors over the library's own schema files, for detail on failure

async function validateCycloneDX (file) {
  const name = 'cyclonedx-library JsonStrictValidator'
  CDX ??= require('@cyclonedx/cyclonedx-library')
  const text = readFileSync(file, 'utf8')
  let doc
  try { doc = JSON.parse(text) } catch (e) { return row(file, name, 'FAIL', `not JSON: ${e.message}`) }
  if (doc.bomFormat !== 'CycloneDX') return row(file, name, 'FAIL', `bomFormat is ${JSON.stringify(doc.bomFormat)}, not "CycloneDX"`)
  const version = doc.specVersion
  if (!Object.values(CDX.Spec.Version).includes(version)) return row(file, name, 'FAIL', `specVersion ${JSON.stringify(version)} unknown to the library`)
  let v = cdxValidators.get(version)
  if (!v) { v = new CDX.Validation.JsonStrictValidator(version); cdxValidators.set(version, v) }
  let errs
  try {
    errs = await v.validate(text)
  } catch (e) {
    if (e instanceof CDX.Validation.MissingOptionalDependencyError) return row(file, name, 'SKIP', e.message)
    throw e
  }
  if (errs === null) return row(file, `${name} ${version}`, 'PASS')
  // The library stops at the first error; list them all with the same schema files.
  row(file, `${name} ${version}`, 'FAIL', formatErrors(cdxAllErrorsFor(version, doc) ?? errs))
}

function cdxAllErrorsFor (version, doc) {
  try {
    const Ajv = require('ajv').default
    const files = CDX._Resources.FILES
    if (!cdxAllErrors) {
      cdxAllErrors = new Ajv({ allErrors: true, verbose: true, strict: false, useDefaults: false, addUsedSchema: false })
      require('ajv-formats')(cdxAllErrors)
      require('ajv-formats-draft2019')(cdxAllErrors, { formats: ['idn-email'] })
      cdxAllErrors.addFormat('iri-reference', true)
      cdxAllErrors.addSchema(readJSON(files.SPDX.JSON_SCHEMA), 'http://cyclonedx.org/schema/spdx.SNAPSHOT.schema.json')
      cdxAllErrors.addSchema(readJSON(files.CryptoDefs.JSON_SCHEMA), 'http://cyclonedx.org/schema/cryptography-defs.SNAPSHOT.schema.json')
      cdxAllErrors.addSchema(readJSON(files.JSF.JSON_SCHEMA), 'http://cyclonedx.org/schema/jsf-0.82.SNAPSHOT.schema.json')
    }
    const validate = cdxAllErrors.compile(readJSON(files.CDX.JSON_STRICT_SCHEMA[version]))
    validate(doc)
    return validate.errors
  } catch {
    return undefined
  }
}

// ---- SARIF -----------------------------------------------------------------

let sarifDraft04
let sarif2020

function sarifValidators () {
  if (!sarifDraft04) {
    const Ajv04 = require('ajv-draft-04').default
    // unicodeRegExp: false because the rtm.5 schema has a language pattern
    // ("^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$") that is invalid with the
    // u flag; JSON Schema draft-04 patterns are ECMA 262 without it.
    const ajv = new Ajv04({ allErrors: true, verbose: true, strict: false, unicodeRegExp: false })
    require('ajv-formats')(ajv)
    const schemaFile = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json')
    sarifDraft04 = ajv.compile(readJSON(schemaFile))
  }
  if (sarif2020 === undefined) {
    sarif2020 = null
    let schemaFile
    try { schemaFile = join(dirname(require.resolve('@microsoft/sarif-multitool-linux/package.json')), 'sarif-2.1.0.json') } catch {}
    if (schemaFile && existsSync(schemaFile)) {
      const Ajv2020 = require('ajv/dist/2020').default
      const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: false })
      require('ajv-formats')(ajv)
      sarif2020 = ajv.compile(readJSON(schemaFile))
    }
  }
}

function validateSARIF (file) {
  sarifValidators()
  let doc
  try { doc = readJSON(file) } catch (e) { return row(file, 'ajv SARIF 2.1.0', 'FAIL', `not JSON: ${e.message}`) }
  const n = 'ajv draft-04 + sarif-2.1.0-rtm.5.json (@microsoft/jest-sarif)'
  if (sarifDraft04(doc)) row(file, n, 'PASS', `${countResults(doc)} results`)
  else row(file, n, 'FAIL', formatErrors(sarifDraft04.errors))
  const m = 'ajv 2020-12 + sarif-2.1.0.json (@microsoft/sarif-multitool-linux)'
  if (sarif2020 === null) row(file, m, 'SKIP', '@microsoft/sarif-multitool-linux not installed')
  else if (sarif2020(doc)) row(file, m, 'PASS')
  else row(file, m, 'FAIL', formatErrors(sarif2020.errors))
}

/** messageText renders a result's message, from its text or its rule's message string. */
function messageText (r, rules) {
  if (r.message?.text) return r.message.text
  const tmpl = rules.get(r.ruleId)?.messageStrings?.[r.message?.id ?? 'default']?.text
  if (!tmpl) return (r.message?.arguments ?? []).join(', ')
  return tmpl.replace(/\{(\d+)\}/g, (_, i) => r.message?.arguments?.[i] ?? '')
}

function countResults (doc) {
  return (doc.runs ?? []).reduce((n, r) => n + (r.results?.length ?? 0), 0)
}

/**
 * multitoolReport reads the SARIF log that "Sarif.Multitool validate" wrote
 * and reports each analysed file: FAIL on error-level results (schema
 * violations JSON1xxx, SARIF1xxx rules), PASS otherwise with the count of
 * warnings (SARIF2xxx guidance rules) named.
 */
function multitoolReport (log, inputs) {
  const name = 'Sarif.Multitool validate 5.x'
  const doc = readJSON(log)
  const byFile = new Map(inputs.map(f => [f, []]))
  const notes = []
  for (const run of doc.runs ?? []) {
    const rules = new Map((run.tool?.driver?.rules ?? []).map(r => [r.id, r]))
    for (const r of run.results ?? []) {
      r.text = messageText(r, rules)
      const uri = r.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? ''
      const path = decodeURIComponent(uri.replace(/^file:\/\//, ''))
      const file = inputs.find(f => path === f || path.endsWith('/' + f.replace(/^\.\//, ''))) ?? path
      if (!byFile.has(file)) byFile.set(file, [])
      byFile.get(file).push(r)
    }
    for (const inv of run.invocations ?? []) {
      for (const n of [...(inv.toolExecutionNotifications ?? []), ...(inv.toolConfigurationNotifications ?? [])]) {
        if (n.level === 'error') notes.push(n.message?.text ?? JSON.stringify(n))
      }
    }
  }
  for (const [file, results] of byFile) {
    const errors = results.filter(r => r.level === 'error')
    const warnings = results.filter(r => r.level === 'warning')
    const count = rs => {
      const c = {}
      for (const r of rs) c[r.ruleId] = (c[r.ruleId] ?? 0) + 1
      return Object.entries(c).sort().map(([k, v]) => `${k}×${v}`).join(', ')
    }
    if (errors.length > 0) {
      const first = errors.slice(0, 4).map(r => {
        const reg = r.locations?.[0]?.physicalLocation?.region
        return `${r.ruleId} (${reg?.startLine ?? '?'}:${reg?.startColumn ?? '?'}) ${r.text}`
      }).join('; ')
      row(file, name, 'FAIL', `${errors.length} errors [${count(errors)}]: ${first}`)
    } else if (notes.length > 0) {
      row(file, name, 'FAIL', `tool error: ${notes.join('; ')}`)
    } else {
      row(file, name, 'PASS', warnings.length > 0 ? `${warnings.length} warnings [${count(warnings)}]` : 'no errors or warnings')
    }
  }
}

// ---- SPDX ------------------------------------------------------------------

const spdxValidators = new Map()

function validateSPDX (file, schemaFile) {
  const name = 'ajv draft-07 + spdx-schema 2.3'
  if (!schemaFile || !existsSync(schemaFile)) return row(file, name, 'SKIP', 'official SPDX 2.3 JSON schema not found (set SPDX_SCHEMA)')
  let v = spdxValidators.get(schemaFile)
  if (!v) {
    const Ajv = require('ajv').default
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: false })
    require('ajv-formats')(ajv)
    v = ajv.compile(readJSON(schemaFile))
    spdxValidators.set(schemaFile, v)
  }
  let doc
  try { doc = readJSON(file) } catch (e) { return row(file, name, 'FAIL', `not JSON: ${e.message}`) }
  if (doc.spdxVersion !== 'SPDX-2.3') return row(file, name, 'FAIL', `spdxVersion is ${JSON.stringify(doc.spdxVersion)}, not "SPDX-2.3"`)
  if (v(doc)) row(file, name, 'PASS', `${doc.packages?.length ?? 0} packages`)
  else row(file, name, 'FAIL', formatErrors(v.errors))
}

// ---- main ------------------------------------------------------------------

const tasksFile = process.argv[2]
if (!tasksFile) {
  console.error('usage: node validate.mjs TASKS.tsv')
  process.exit(2)
}
const tasks = readFileSync(tasksFile, 'utf8').split('\n').filter(l => l.trim() !== '').map(l => l.split('\t'))
const multitoolInputs = tasks.filter(t => t[0] === 'sarif').map(t => t[1])
for (const [kind, file, arg] of tasks) {
  try {
    switch (kind) {
      case 'cdx-json': await validateCycloneDX(file); break
      case 'sarif': validateSARIF(file); break
      case 'spdx-json': validateSPDX(file, arg); break
      case 'multitool': multitoolReport(file, arg ? arg.split('|') : multitoolInputs); break
      default: row(file, kind, 'FAIL', `unknown task kind ${kind}`)
    }
  } catch (e) {
    row(file, kind, 'FAIL', `validator crashed: ${e.stack?.split('\n')[0] ?? e}`)
  }
}
process.stdout.write(rows.join('\n') + (rows.length ? '\n' : ''))
