// Typed calls, one per route the app uses.
import { request, type ApiContext } from './client.ts'
import type { Agent, Conversation, ConversationDetail, Intent, ListeningRule, ListeningTag, Sentiment, Status, Workspace } from './types.ts'

const id = encodeURIComponent

export const inboxStatuses: Status[] = ['new', 'open', 'pending']

export const api = {
  workspaces: (c: ApiContext) => request<{ items: Workspace[] }>(c, 'GET', '/api/v1/workspaces'),
  agents: (c: ApiContext) => request<{ items: Agent[] }>(c, 'GET', '/api/v1/agents'),
  inbox: (c: ApiContext, status: Status[]) =>
    request<{ items: Conversation[]; nextCursor: string | null }>(c, 'GET', `/api/v1/conversations?sort=priority&status=${status.join(',')}&limit=100`),
  conversation: (c: ApiContext, conversationId: string) => request<ConversationDetail>(c, 'GET', `/api/v1/conversations/${id(conversationId)}`),
  setStatus: (c: ApiContext, conversationId: string, status: Status, version: number) =>
    request<Conversation>(c, 'PATCH', `/api/v1/conversations/${id(conversationId)}/status`, { status, version }),
  assign: (c: ApiContext, conversationId: string, agentId: string | null, version: number) =>
    request<Conversation>(c, 'POST', `/api/v1/conversations/${id(conversationId)}/assignment`, { agentId, version }),
  overridePriority: (c: ApiContext, conversationId: string, priority: number | null) =>
    request<Conversation>(c, 'PUT', `/api/v1/conversations/${id(conversationId)}/priority`, { priority }),
  correct: (c: ApiContext, messageId: string, change: { sentiment?: Sentiment; intent?: Intent }) =>
    request<{ conversation: Conversation }>(c, 'POST', `/api/v1/messages/${id(messageId)}/corrections`, change),
  rules: (c: ApiContext) => request<{ items: ListeningRule[] }>(c, 'GET', '/api/v1/listening-rules'),
  createRule: (c: ApiContext, rule: { name: string; query: string; tags: ListeningTag[]; enabled: boolean }) =>
    request<ListeningRule>(c, 'POST', '/api/v1/listening-rules', rule),
  updateRule: (c: ApiContext, ruleId: string, change: { enabled?: boolean }) =>
    request<ListeningRule>(c, 'PATCH', `/api/v1/listening-rules/${id(ruleId)}`, change),
  deleteRule: (c: ApiContext, ruleId: string) => request<void>(c, 'DELETE', `/api/v1/listening-rules/${id(ruleId)}`),
  validateRule: (c: ApiContext, query: string) => request<{ ok: true }>(c, 'POST', '/api/v1/listening-rules/validate', { query }),
}

export function streamUrl(token: string, workspace: string): string {
  const proto = location.protocol === 'https:' ? 'wss' : 'ws'
  return `${proto}://${location.host}/api/v1/stream?workspace=${id(workspace)}&access_token=${id(token)}`
}
