// The demo workspace's canned guidance and automations, so `npm start` shows them at work: snippets
// for the usual complaints, questions and praise in the demo's languages, and two automations
// (spam is tagged and resolved; a legal or safety threat jumps to the top), and an SLA policy on the
// default queue so due times show. Added once; an admin's
// later changes are kept.
import type { Store } from '../store/index.ts'
import type { CannedInput } from '../store/queries/workflow.ts'

const canned: CannedInput[] = [
  { title: 'Delay: sorry + rebooking', language: 'en', channels: null, intents: ['complaint'], body: "We're so sorry about the delay, {{customer.firstName | there}}. Please DM us your booking reference and {{agent.firstName | our team}} will check your rebooking and compensation options." },
  { title: 'Lost bag: file a report', language: 'en', channels: null, intents: ['complaint', 'question'], body: "Sorry your bag hasn't arrived, {{customer.firstName | there}}. Please DM us your baggage file number (e.g. NWA12345) and we'll trace it for you." },
  { title: 'Baggage allowance', language: 'en', channels: null, intents: ['question'], body: 'Hi {{customer.firstName | there}}! Economy Light includes one under-seat bag; a cabin bag can be added in Manage Booking before check-in, cheaper than at the gate.' },
  { title: 'Thanks for the kind words', language: 'en', channels: null, intents: ['praise'], body: "Thank you, {{customer.firstName | friend}}! We'll pass this on to the crew. Have a great trip with {{brand.name}}." },
  { title: 'Move to DM', language: 'en', channels: null, intents: [], body: "Hi {{customer.firstName | there}}, we'd like to help: please send us a private message with your booking reference (never post it publicly)." },
  { title: 'Retard : excuses', language: 'fr', channels: null, intents: ['complaint'], body: 'Toutes nos excuses pour ce retard, {{customer.firstName | }}. Envoyez-nous votre référence de réservation en message privé et nous vérifions vos options.' },
  { title: 'Retraso: disculpas', language: 'es', channels: null, intents: ['complaint'], body: 'Lamentamos mucho el retraso, {{customer.firstName | }}. Envíanos tu código de reserva por mensaje privado y revisamos tus opciones.' },
]

const automations = [
  { name: 'Spam: tag and resolve', enabled: true, when: 'message.created', if: { field: 'intent', op: 'eq', value: 'spam' }, then: [{ type: 'add_tag', tag: 'spam' }, { type: 'set_status', status: 'resolved' }], stop: true },
  { name: 'Legal or safety: top priority', enabled: true, when: 'message.created', if: { field: 'risk', op: 'in', value: ['legal', 'safety', 'regulator'] }, then: [{ type: 'add_tag', tag: 'escalate' }, { type: 'set_priority_override', score: 95 }], stop: false },
]

// Social-media targets, around the clock (the demo runs whenever someone starts it): urgent posts in 15 min.
const slaPolicy = {
  calendar: null,
  warningPercent: 75,
  targets: {
    urgent: { firstResponseMinutes: 15, nextResponseMinutes: 30, resolutionMinutes: 240 },
    high: { firstResponseMinutes: 30, nextResponseMinutes: 60, resolutionMinutes: 480 },
    normal: { firstResponseMinutes: 60, nextResponseMinutes: 120, resolutionMinutes: 1_440 },
    low: { firstResponseMinutes: 240, nextResponseMinutes: 480, resolutionMinutes: 2_880 },
  },
}

export async function seedDemoWorkflow(store: Store, workspaceId: string): Promise<void> {
  for (const c of canned) await store.canned.create(workspaceId, c, 'demo')
  if ((await store.routing.slaPolicies(workspaceId)).length === 0) {
    const policyId = await store.routing.createSlaPolicy(workspaceId, 'Social standard', slaPolicy)
    const inbox = await store.queues.defaultFor(workspaceId)
    if (inbox !== null) await store.routing.updateQueue(workspaceId, inbox.id, { slaPolicyId: policyId })
  }
  if ((await store.automations.list(workspaceId)).length > 0) return
  let position = 0
  for (const a of automations) await store.automations.create(workspaceId, (position += 10), a)
}
