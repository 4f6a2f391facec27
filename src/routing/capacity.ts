// Capacity in units per channel kind: a public thread and a DM take one unit, an email half (a workspace
// can change the weights). An agent never holds more units of a kind than their capacity for it.
import { channelKindOf, type Agent, type ChannelKind, type RoutableConversation } from './model.ts'

export type UnitsByKind = Record<ChannelKind, number>

export const defaultUnits: UnitsByKind = { public: 1, private: 1, email: 0.5 }

/** Float sums of halves are exact, but weights like 0.1 are not: allow this much rounding. */
export const capacityEpsilon = 1e-9

export function unitsFor(conversation: Pick<RoutableConversation, 'channel' | 'visibility'>, units: UnitsByKind = defaultUnits): { kind: ChannelKind; units: number } {
  const kind = channelKindOf(conversation)
  return { kind, units: units[kind] }
}

export function loadUnits(agent: Pick<Agent, 'load'>, kind: ChannelKind): number {
  let sum = 0
  for (const item of agent.load) if (item.kind === kind) sum += item.units
  return sum
}

export function hasRoomFor(agent: Pick<Agent, 'load' | 'capacity'>, kind: ChannelKind, units: number): boolean {
  return loadUnits(agent, kind) + units <= agent.capacity[kind] + capacityEpsilon
}

/** '1', '1.5': units as people read them. */
export function formatUnits(units: number): string {
  return String(Math.round(units * 100) / 100)
}
