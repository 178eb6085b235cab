import { describe, expect, it } from 'vitest';
import { visitorIdOf } from '../../src/domain/identity';

describe('visitorIdOf', () => {
  const id = '01JDQ7Z8V3K2M4N5P6Q7R8S9T0';

  it.each([
    ['the only cookie', `rl_vid=${id}`],
    ['among others', `theme=dark; rl_vid=${id}; other=1`],
    ['with spaces around it', `theme=dark;  rl_vid=${id} ;x=1`],
  ])('reads the visitor id as %s', (_, header) => {
    expect(visitorIdOf(header)).toBe(id);
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['another cookie only', 'theme=dark'],
    ['a cookie whose name only ends like ours', `xrl_vid=${id}`],
    ['an id that is not a ULID', 'rl_vid=visitor-123'],
    ['a lower-case id', `rl_vid=${id.toLowerCase()}`],
  ])('finds none in %s', (_, header) => {
    expect(visitorIdOf(header)).toBeNull();
  });
});
