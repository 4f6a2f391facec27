// Builders for routing tests: an agent, a queue and a conversation with sensible defaults. Test-only.
import type { Agent, Queue, RoutableConversation } from './model.ts'

export const t0 = new Date('2026-03-02T10:00:00Z') // a Monday

export function agentOf(over: Partial<Agent> & { id: string }): Agent {
  return {
    name: over.id, skills: [], languages: ['en'], capacity: { public: 3, private: 2, email: 4 }, presence: 'online',
    workingHours: null, load: [], lastAssignedAt: null, idleSince: null, queueIds: null, ...over,
  }
}

export function queueOf(over: Partial<Queue> & { id: string }): Queue {
  return {
    name: over.id, requiredSkills: [], languages: [], conditions: null, priority: 0, overflow: null, slaPolicyId: null, isDefault: false, ...over,
  }
}

export function conversationOf(over: Partial<RoutableConversation> & { id: string }): RoutableConversation {
  return {
    workspaceId: 'ws-1', channel: 'x-twitter', visibility: 'public', language: 'en', intent: 'question', sentiment: 'neutral', riskFlags: [],
    tags: [], vip: false, priority: 20, contactId: null, lastAgentId: null, lastAgentAt: null, arrivedAt: t0, queueId: null, queuedAt: null, ...over,
  }
}
