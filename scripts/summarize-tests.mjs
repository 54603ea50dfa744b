// Adds up every runner's report and prints the closing line CI reads:
// vitest JSON (jest-compatible fields, *.json), `go test -json` streams (*.gojson) and pytest
// JUnit XML (*.xml).
import { readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;

function vitest(file, text) {
  const report = JSON.parse(text);
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  // a suite that failed to load has no tests but must not pass silently
  for (const suite of report.testResults ?? []) {
    if (suite.status === 'failed' && (suite.assertionResults ?? []).length === 0) {
      console.error(`suite failed to run: ${suite.name}: ${(suite.message ?? '').split('\n')[0]}`);
      failed++;
    }
  }
}

function goTest(file, text) {
  // one event per line; a package that fails without a failing test (a build error) counts once
  const failedTests = new Set();
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    let event;
    try {
      event = JSON.parse(line);
    } catch {
      continue;
    }
    if (event.Test) {
      if (event.Action === 'pass') passed++;
      else if (event.Action === 'skip') skipped++;
      else if (event.Action === 'fail') {
        failed++;
        failedTests.add(event.Package);
      }
    } else if (event.Action === 'fail' && !failedTests.has(event.Package)) {
      console.error(`go package failed: ${event.Package}`);
      failed++;
    }
  }
}

function junit(file, text) {
  const suites = [...text.matchAll(/<testsuite\b([^>]*)>/g)].map((m) => m[1]);
  if (suites.length === 0) throw new Error('no <testsuite> element');
  for (const attrs of suites) {
    const n = (name) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(attrs)?.[1] ?? 0);
    const bad = n('failures') + n('errors');
    failed += bad;
    skipped += n('skipped');
    passed += n('tests') - bad - n('skipped');
  }
}

const files = process.argv.slice(2);
for (const file of files) {
  try {
    const text = readFileSync(file, 'utf8');
    if (file.endsWith('.gojson')) goTest(file, text);
    else if (file.endsWith('.xml')) junit(file, text);
    else vitest(file, text);
  } catch (error) {
    console.error(`cannot read test report ${file}: ${error.message}`);
    failed++;
  }
}
if (files.length === 0) {
  console.error('no test reports found');
  failed++;
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
