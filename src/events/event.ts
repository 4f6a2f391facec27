// Workspace events that leave Earshot: the envelope every outgoing event webhook receives, the types a
// webhook can subscribe to, and the bus subject they are also published on (the WebSocket forwards it).
import { randomUUID } from 'node:crypto'
import { subjectToken } from '../bus/index.ts'

export const eventTypes = ['sla.warning', 'sla.breached', 'conversation.resolved', 'csat.received'] as const
export type EventType = (typeof eventTypes)[number]

export const isEventType = (v: string): v is EventType => (eventTypes as readonly string[]).includes(v)

/** What a receiver gets as the JSON body (also the bus message on eventsSubject). */
export interface EarshotEvent {
  /** Unique per event and the same on every retry and every webhook: receivers dedupe on it. */
  id: string
  type: EventType
  workspaceId: string
  /** When it happened (ISO 8601). */
  at: string
  data: Record<string, unknown>
}

export const eventsSubject = (workspaceId: string) => `earshot.events.${subjectToken(workspaceId)}`

export function newEvent(type: EventType, workspaceId: string, at: Date, data: Record<string, unknown>): EarshotEvent {
  return { id: randomUUID(), type, workspaceId, at: at.toISOString(), data }
}
