// Typed calls, one per route the app uses.
import { request, type ApiContext } from './client.ts'
import type { Agent, AgentRouting, AgentRoutingChange, Automation, AutomationDraft, AutomationRun, CannedInput, CannedResponse, CannedSuggestion, ChannelAccount, ChannelAccountChange, ChannelInfo, ConnectionTest, Contact, Conversation, ConversationDetail, DryRunResult, HeldReply, InboxFilter, Intent, ListeningRule, ListeningTag, NewChannelAccount, Note, Presence, Reply, RoutingQueue, RoutingQueueChange, RulePreview, Sentiment, SlaPolicyView, Status, UnseenMentions, Wallboard, Workspace } from './types.ts'

const id = encodeURIComponent

export const inboxStatuses: Status[] = ['new', 'open', 'pending']

export const api = {
  workspaces: (c: ApiContext) => request<{ items: Workspace[] }>(c, 'GET', '/api/v1/workspaces'),
  agents: (c: ApiContext) => request<{ items: Agent[] }>(c, 'GET', '/api/v1/agents'),
  agent: (c: ApiContext, agentId: string) => request<AgentRouting>(c, 'GET', `/api/v1/agents/${id(agentId)}`),
  setPresence: (c: ApiContext, agentId: string, presence: Presence) => request<AgentRouting>(c, 'PATCH', `/api/v1/agents/${id(agentId)}`, { presence }),
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
  channels: (c: ApiContext) => request<{ items: ChannelInfo[] }>(c, 'GET', '/api/v1/channels'),
  replies: (c: ApiContext, conversationId: string) => request<{ items: Reply[] }>(c, 'GET', `/api/v1/conversations/${id(conversationId)}/replies`),
  features: (c: ApiContext) => request<{ llmDrafts: boolean }>(c, 'GET', '/api/v1/features'),
  draft: (c: ApiContext, conversationId: string) => request<{ text: string; model: string }>(c, 'POST', `/api/v1/conversations/${id(conversationId)}/draft`),
  cannedSuggestions: (c: ApiContext, conversationId: string) =>
    request<{ items: CannedSuggestion[] }>(c, 'GET', `/api/v1/conversations/${id(conversationId)}/canned-suggestions`),
  reply: (c: ApiContext, conversationId: string, r: { text: string; visibility: 'public' | 'private'; idempotencyKey: string; expectReplies?: number }) =>
    request<Reply>(c, 'POST', `/api/v1/conversations/${id(conversationId)}/replies`, r),
  approvals: (c: ApiContext) => request<{ items: HeldReply[] }>(c, 'GET', '/api/v1/approvals'),
  decide: (c: ApiContext, replyId: string, d: { decision: 'approve' | 'reject'; text?: string; note?: string }) =>
    request<Reply>(c, 'POST', `/api/v1/approvals/${id(replyId)}`, d),
  previewRule: (c: ApiContext, query: string) => request<RulePreview>(c, 'POST', '/api/v1/listening-rules/preview', { query }),
  channelAccounts: (c: ApiContext) => request<{ items: ChannelAccount[] }>(c, 'GET', '/api/v1/channel-accounts'),
  createChannelAccount: (c: ApiContext, account: NewChannelAccount) => request<ChannelAccount>(c, 'POST', '/api/v1/channel-accounts', account),
  updateChannelAccount: (c: ApiContext, accountId: string, change: ChannelAccountChange) =>
    request<ChannelAccount>(c, 'PATCH', `/api/v1/channel-accounts/${id(accountId)}`, change),
  deleteChannelAccount: (c: ApiContext, accountId: string) => request<void>(c, 'DELETE', `/api/v1/channel-accounts/${id(accountId)}`),
  testChannelAccount: (c: ApiContext, accountId: string) => request<ConnectionTest>(c, 'POST', `/api/v1/channel-accounts/${id(accountId)}/test`),
  filteredInbox: (c: ApiContext, status: Status[], f: InboxFilter) =>
    request<{ items: Conversation[]; nextCursor: string | null }>(c, 'GET', `/api/v1/conversations?sort=priority&status=${status.join(',')}&limit=100${
      f.tag === undefined ? '' : `&tag=${id(f.tag)}`}${f.mentions === undefined ? '' : `&mentions=${f.mentions}`}${f.unseen === true ? '&unseen=true' : ''}`),
  setTags: (c: ApiContext, conversationId: string, tags: string[]) => request<Conversation>(c, 'PUT', `/api/v1/conversations/${id(conversationId)}/tags`, { tags }),
  addTag: (c: ApiContext, conversationId: string, tag: string) => request<Conversation>(c, 'POST', `/api/v1/conversations/${id(conversationId)}/tags`, { tag }),
  removeTag: (c: ApiContext, conversationId: string, tag: string) => request<Conversation>(c, 'DELETE', `/api/v1/conversations/${id(conversationId)}/tags/${id(tag)}`),
  notes: (c: ApiContext, conversationId: string) => request<{ items: Note[] }>(c, 'GET', `/api/v1/conversations/${id(conversationId)}/notes`),
  addNote: (c: ApiContext, conversationId: string, text: string) => request<Note & { unresolved: string[] }>(c, 'POST', `/api/v1/conversations/${id(conversationId)}/notes`, { text }),
  markSeen: (c: ApiContext, conversationId: string) => request<{ seen: number; unseen: UnseenMentions }>(c, 'POST', `/api/v1/conversations/${id(conversationId)}/seen`),
  unseenMentions: (c: ApiContext) => request<UnseenMentions>(c, 'GET', '/api/v1/mentions/unseen'),
  merge: (c: ApiContext, conversationId: string, from: string[], version: number) =>
    request<{ conversation: Conversation; merged: string[] }>(c, 'POST', `/api/v1/conversations/${id(conversationId)}/merge`, { from, version }),
  split: (c: ApiContext, conversationId: string, messageIds: string[], version: number) =>
    request<{ source: Conversation; created: Conversation }>(c, 'POST', `/api/v1/conversations/${id(conversationId)}/split`, { messageIds, version }),
  contact: (c: ApiContext, contactId: string) => request<Contact>(c, 'GET', `/api/v1/contacts/${id(contactId)}`),
  cannedResponses: (c: ApiContext) => request<{ items: CannedResponse[] }>(c, 'GET', '/api/v1/canned-responses'),
  createCanned: (c: ApiContext, input: CannedInput) => request<CannedResponse>(c, 'POST', '/api/v1/canned-responses', input),
  updateCanned: (c: ApiContext, cannedId: string, change: Partial<CannedInput>) => request<CannedResponse>(c, 'PATCH', `/api/v1/canned-responses/${id(cannedId)}`, change),
  deleteCanned: (c: ApiContext, cannedId: string) => request<void>(c, 'DELETE', `/api/v1/canned-responses/${id(cannedId)}`),
  automations: (c: ApiContext) => request<{ items: Automation[] }>(c, 'GET', '/api/v1/automations'),
  createAutomation: (c: ApiContext, draft: AutomationDraft) => request<Automation>(c, 'POST', '/api/v1/automations', draft),
  updateAutomation: (c: ApiContext, ruleId: string, change: Partial<AutomationDraft> & { enabled?: boolean; position?: number }) =>
    request<Automation>(c, 'PATCH', `/api/v1/automations/${id(ruleId)}`, change),
  deleteAutomation: (c: ApiContext, ruleId: string) => request<void>(c, 'DELETE', `/api/v1/automations/${id(ruleId)}`),
  dryRun: (c: ApiContext, rules: AutomationDraft[], limit: number) => request<DryRunResult>(c, 'POST', '/api/v1/automations/dry-run', { rules, limit }),
  automationRuns: (c: ApiContext, ruleId: string | null) =>
    request<{ items: AutomationRun[] }>(c, 'GET', `/api/v1/automations/runs?limit=50${ruleId === null ? '' : `&ruleId=${id(ruleId)}`}`),
  routingQueues: (c: ApiContext) => request<{ items: RoutingQueue[] }>(c, 'GET', '/api/v1/routing/queues'),
  updateQueue: (c: ApiContext, queueId: string, change: RoutingQueueChange) => request<RoutingQueue>(c, 'PATCH', `/api/v1/queues/${id(queueId)}`, change),
  updateAgent: (c: ApiContext, agentId: string, change: AgentRoutingChange) => request<AgentRouting>(c, 'PATCH', `/api/v1/agents/${id(agentId)}`, change),
  slaPolicies: (c: ApiContext) => request<{ items: SlaPolicyView[] }>(c, 'GET', '/api/v1/sla-policies'),
  wallboard: (c: ApiContext) => request<Wallboard>(c, 'GET', `/api/v1/wallboard${c.workspace === null ? '' : `?workspace=${id(c.workspace)}`}`),
}

/** The live stream: the browser sends the session cookie with the upgrade (same origin). */
export function streamUrl(workspace: string): string {
  const proto = location.protocol === 'https:' ? 'wss' : 'ws'
  return `${proto}://${location.host}/api/v1/stream?workspace=${id(workspace)}`
}
