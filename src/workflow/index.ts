// Contact-centre workflow rules as pure functions: approvals, canned responses, automations, status.
export { needsApproval } from './approval.ts'
export type { ApprovalFacts, ApprovalPolicy, ReplyDraft } from './approval.ts'
export { cannedValues, cannedVariables, checkTemplate, renderCanned, replyLimits, suggestCanned } from './canned.ts'
export type { CannedProblem, CannedResponse, CannedSuggestion, CannedValues, CannedVariable, RenderResult, SuggestOptions } from './canned.ts'
export { automationEvents, dryRun, runAutomations, validateAutomationRule } from './automation.ts'
export type { AutomationAction, AutomationEvent, AutomationFacts, AutomationRule, DryRunRow, DryRunSample, FiredAction, RuleCheck } from './automation.ts'
export { agentTransitions, reopenWindowMsDefault, transition } from './status.ts'
export type { StatusErrorCode, StatusEvent, StatusOptions, StatusResult, StatusState } from './status.ts'
