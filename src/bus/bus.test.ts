import { describe, expect, it } from 'vitest'
import { busSuite } from './bus-suite.ts'
import { subjectMatches } from './index.ts'
import { createMemoryBus } from './memory.ts'

busSuite('memory', async () => createMemoryBus())

describe('subjectMatches', () => {
  it.each([
    ['earshot.>', 'earshot.inbound.x', true],
    ['earshot.>', 'earshot', false],
    ['earshot.*.x', 'earshot.inbound.x', true],
    ['earshot.*', 'earshot.inbound.x', false],
    ['earshot.inbound.x', 'earshot.inbound.x', true],
    ['earshot.inbound.x', 'earshot.inbound', false],
  ])('%s ~ %s → %s', (filter, subject, expected) => {
    expect(subjectMatches(filter, subject)).toBe(expected)
  })
})
