import { describe, expect, it } from 'vitest'
import { needsApproval, type ApprovalPolicy } from './approval.ts'

const policy: ApprovalPolicy = { agents: ['trainee-1'], queues: ['press'], riskFlags: ['press', 'legal'], reachOver: 10_000 }
const calm = { riskFlags: [], reach: 120, priority: 20 }

describe('needsApproval', () => {
  it('lets an ordinary reply through', () => {
    expect(needsApproval({ agentId: 'a1', queueId: 'general' }, calm, policy)).toBeNull()
  })

  it('lists every reason a reply must wait', () => {
    expect(needsApproval({ agentId: 'trainee-1', queueId: 'press' }, { riskFlags: ['press', 'churn'], reach: 48_000, priority: 90 }, { ...policy, priorityAtLeast: 80 })).toEqual([
      'agent trainee-1: replies need approval',
      'queue press: replies need approval',
      'risk: press',
      'reach: author has 48,000 followers (over 10,000)',
      'priority 90 ≥ 80',
    ])
  })

  it('reach must exceed the threshold; unknown reach never triggers it', () => {
    expect(needsApproval({ agentId: 'a1', queueId: null }, { ...calm, reach: 10_000 }, policy)).toBeNull()
    expect(needsApproval({ agentId: 'a1', queueId: null }, { ...calm, reach: 10_001 }, policy)).toEqual(['reach: author has 10,001 followers (over 10,000)'])
    expect(needsApproval({ agentId: 'a1', queueId: null }, { ...calm, reach: null }, policy)).toBeNull()
    expect(needsApproval({ agentId: 'a1', queueId: null }, { ...calm, reach: 1e9 }, { ...policy, reachOver: null })).toBeNull()
  })

  it('private replies can be exempted', () => {
    const risky = { ...calm, riskFlags: ['legal' as const] }
    expect(needsApproval({ agentId: 'a1', queueId: null, visibility: 'private' }, risky, { ...policy, publicOnly: true })).toBeNull()
    expect(needsApproval({ agentId: 'a1', queueId: null, visibility: 'public' }, risky, { ...policy, publicOnly: true })).toEqual(['risk: legal'])
  })
})
