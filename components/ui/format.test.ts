import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorDetailSuffix } from './format';

describe('errorDetailSuffix()', () => {
  it('errorDetailSuffix() is empty when the message already names the errno', () => {
    const msg = 'The kernel refused to write "1048576" to memory.limit_in_bytes: EBUSY (Device or resource busy).';
    assert.equal(errorDetailSuffix(msg, 'EBUSY', 'memory.limit_in_bytes'), '');
    assert.equal(errorDetailSuffix('EINVAL writing cpu.max', 'EINVAL', 'memory.max'), '');
  });

  it('errorDetailSuffix() shows errno and file when the message names neither', () => {
    assert.equal(errorDetailSuffix('The limit could not be set.', 'EBUSY', 'memory.limit_in_bytes'), '[EBUSY memory.limit_in_bytes]');
  });

  it('errorDetailSuffix() leaves out a file the message already names, and is empty with nothing to add', () => {
    assert.equal(errorDetailSuffix('Could not write memory.max.', 'EINVAL', 'memory.max'), '[EINVAL]');
    assert.equal(errorDetailSuffix('Could not write memory.max.', undefined, 'memory.max'), '');
    assert.equal(errorDetailSuffix('Not connected.'), '');
  });
});
