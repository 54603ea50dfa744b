// Adds up vitest JSON reports (jest-compatible fields) and prints the closing line CI reads.
import { readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;
const files = process.argv.slice(2);
for (const file of files) {
  let report;
  try {
    report = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    console.error(`cannot read test report ${file}: ${error.message}`);
    failed++;
    continue;
  }
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
if (files.length === 0) {
  console.error('no test reports found');
  failed++;
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
