import { writeFileSync } from 'node:fs';

/**
 * Jest results processor: when WORDCOUNT_TEST_SUMMARY names a file, writes the numbers of
 * passed and failed tests there, so `.ci/run` can print its summary line without parsing
 * Jest's own output.
 */
export default function writeSummary(results) {
  const path = process.env.WORDCOUNT_TEST_SUMMARY;
  if (path) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    writeFileSync(path, JSON.stringify({ passed: results.numPassedTests, failed }));
  }
  return results;
}
