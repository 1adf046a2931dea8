/** Catching the SweepError a call must throw, for the tests of messages. */

import { expect } from 'vitest';
import { SweepError } from '../src/model/sweep.js';

/** The SweepError `f` throws; fails the test when it throws nothing or something else. */
export function error(f: () => unknown): SweepError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SweepError);
    return e as SweepError;
  }
  return expect.fail('expected a SweepError');
}

/** The SweepError the promise `f` gives rejects with. */
export async function asyncError(f: () => Promise<unknown>): Promise<SweepError> {
  try {
    await f();
  } catch (e) {
    expect(e).toBeInstanceOf(SweepError);
    return e as SweepError;
  }
  return expect.fail('expected a SweepError');
}
