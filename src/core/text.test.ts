import { describe, expect, it } from 'vitest'
import { graphemeCount } from './text.ts'

describe('graphemeCount', () => {
  it('counts what a reader sees as one character once', () => {
    expect(graphemeCount('abc')).toBe(3)
    expect(graphemeCount('👍🏽')).toBe(1)
    expect(graphemeCount('👨‍👩‍👧')).toBe(1)
    expect(graphemeCount('e\u0301')).toBe(1)
    expect(graphemeCount('')).toBe(0)
  })
})
