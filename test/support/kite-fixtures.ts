/**
 * Where the tests and the sandbox read Zerodha's Kite catalog (tools.json), API fixtures (mocks/) and the server
 * notes (SERVER.md): test/fixtures/kite/, a copy kept in the repository so that a fresh clone needs nothing beside it.
 * test/fixtures/kite/README.md says where the copy came from and how to refresh it. Every reader goes through here.
 */
import { readFileSync } from 'node:fs';

export const KITE_FIXTURES = new URL('../fixtures/kite/', import.meta.url);
export const KITE_MOCKS = new URL('mocks/', KITE_FIXTURES);

/** A file under test/fixtures/kite/, as text. */
export function readKiteFixture(path: string): string {
  return readFileSync(new URL(path, KITE_FIXTURES), 'utf8');
}

/** The `data` part of one of Kite's API fixtures, `mocks/<name>.json`. */
export function kiteMock<T = unknown>(name: string): T {
  return (JSON.parse(readKiteFixture(`mocks/${name}.json`)) as { data: T }).data;
}
