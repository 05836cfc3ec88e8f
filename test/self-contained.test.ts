// A fresh clone passes alone: no source, test, benchmark or CI file reaches outside the repository for the project's
// shared folder (the Kite fixtures live in test/fixtures/kite), and the fixtures the tests read are all there.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, test } from 'vitest';
import { KITE_FIXTURES, KITE_MOCKS } from './support/kite-fixtures.js';
import { REPO_ROOT } from './support/run-cli.js';

/** The folders whose files run or configure something; the fixtures themselves may quote anything. */
const CHECKED = ['src', 'test', 'bench', '.ci', 'package.json', 'vitest.config.ts', 'tsconfig.json'];
/** A path that climbs out of the repository into a `shared` folder beside it, as `../shared/kite` or `../../shared`. */
const OUTSIDE_SHARED = /(?:\.\.\/)+shared\b|'\.\.',\s*'shared'/;

const THIS_FILE = join(REPO_ROOT, 'test', 'self-contained.test.ts'); // it spells the pattern out

function filesUnder(path: string): string[] {
  if (path === THIS_FILE) return [];
  if (!statSync(path).isDirectory()) return [path];
  if (path === join(REPO_ROOT, 'test', 'fixtures')) return [];
  return readdirSync(path).flatMap((name) => filesUnder(join(path, name)));
}

test('no source, test, benchmark or CI file reads the shared folder beside the repository', () => {
  const offenders = CHECKED.flatMap((entry) => filesUnder(join(REPO_ROOT, entry)))
    .filter((file) => OUTSIDE_SHARED.test(readFileSync(file, 'utf8')))
    .map((file) => relative(REPO_ROOT, file));
  expect(offenders).toEqual([]);
});

test('the Kite fixtures are in the repository: 22 tools, the mocks and the server notes', () => {
  expect(JSON.parse(readFileSync(new URL('tools.json', KITE_FIXTURES), 'utf8'))).toHaveLength(22);
  expect(readdirSync(KITE_MOCKS).filter((name) => name.endsWith('.json')).length).toBeGreaterThan(50);
  expect(readFileSync(new URL('SERVER.md', KITE_FIXTURES), 'utf8')).toContain('**Exact text returned**');
  expect(readFileSync(new URL('README.md', KITE_FIXTURES), 'utf8')).toMatch(/Refreshing them/);
});
