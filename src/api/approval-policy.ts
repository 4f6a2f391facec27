// The approval policy as the API reads and writes it.
import { Type } from '@sinclair/typebox'
import { riskFlagNames } from '../core/triage-facts.ts'
import type { ApprovalPolicy } from '../workflow/approval.ts'

export const ApprovalPolicySchema = Type.Object({
  agents: Type.Array(Type.String({ format: 'uuid' }), { maxItems: 500, description: 'agents whose every reply needs approval (e.g. trainees)' }),
  queues: Type.Array(Type.String({ format: 'uuid' }), { maxItems: 200, description: 'queues whose replies need approval' }),
  riskFlags: Type.Array(Type.Union(riskFlagNames.map((f) => Type.Literal(f))), { uniqueItems: true, description: 'risk flags on the conversation that need approval' }),
  reachOver: Type.Union([Type.Null(), Type.Integer({ minimum: 0 })], { description: 'authors with more followers need approval' }),
  priorityAtLeast: Type.Optional(Type.Union([Type.Null(), Type.Integer({ minimum: 0, maximum: 100 })])),
  publicOnly: Type.Optional(Type.Boolean({ description: 'private replies go straight out' })),
}, { additionalProperties: false })

/** No policy stored: nothing needs approval. */
export function approvalPolicyOf(stored: Record<string, unknown>): ApprovalPolicy {
  return { agents: [], queues: [], riskFlags: [], reachOver: null, ...(stored as Partial<ApprovalPolicy>) }
}

