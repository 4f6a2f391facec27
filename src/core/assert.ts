// Assertions catch our own bugs and crash; never use them to validate input.
export function assert(condition: unknown, message = 'assertion failed'): asserts condition {
  if (!condition) throw new Error(`Assertion: ${message}`)
}
