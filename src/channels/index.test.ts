import { describe, expect, it } from 'vitest'
import { channelNames } from '../core/model.ts'
import { channelByName, channels } from './index.ts'

describe('channel registry', () => {
  it('has one channel per ChannelName, registered under its own name', () => {
    expect(Object.keys(channels).sort()).toEqual([...channelNames].sort())
    for (const name of channelNames) expect(channels[name].name).toBe(name)
  })

  it('looks channels up by name and refuses anything else', () => {
    expect(channelByName('bluesky')).toBe(channels.bluesky)
    expect(channelByName('x-twitter')?.label).toBe('X')
    expect(channelByName('myspace')).toBeUndefined()
    expect(channelByName('__proto__')).toBeUndefined()
    expect(channelByName('toString')).toBeUndefined()
  })

  it('every parser is total on hostile input', () => {
    for (const channel of Object.values(channels)) {
      for (const body of ['', '\u0000', '{', 'null', '[]', '<', '<?xml?>', '\uFEFF', '"'.repeat(5)]) {
        expect(() => channel.parse({ body })).not.toThrow()
      }
    }
  })
})
