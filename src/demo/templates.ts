// Invented post texts for the demo brand (Northwind Air), written as templates with slots.
// {brand} renders as the channel's @handle; texts without it are "unaddressed" (no mention).
import { bookingRef } from './ids.ts'
import type { DemoLang } from './personas.ts'
import type { Rng } from './prng.ts'

export type Intent = 'complaint' | 'question' | 'praise' | 'idea' | 'spam' | 'chatter'

export interface Template {
  intent: Intent
  lang: DemoLang
  text: string
}

const t = (intent: Intent, lang: DemoLang, text: string): Template => ({ intent, lang, text })

export const templates: readonly Template[] = [
  // English: complaints (some with churn words: "switching to", "cancel", "never again")
  t('complaint', 'en', 'third time this month my Northwind flight is delayed and nobody tells us anything. never again'),
  t('complaint', 'en', '{nth} time this month my Northwind flight to {to} is delayed and nobody tells us anything. never again'),
  t('complaint', 'en', '{brand} {flight} from {from} delayed {hours} hours and counting. no announcements, no vouchers, nothing. this is a joke'),
  t('complaint', 'en', 'landed in {to} {days} days ago and my bag is still somewhere in {from}. {brand} your baggage line hangs up on me every single time'),
  t('complaint', 'en', 'still waiting on my Northwind refund for {flight}, cancelled weeks ago. {amount} euros is not pocket change. switching to {rival} for good'),
  t('complaint', 'en', 'the crew on {flight} were honestly so rude. asked for water twice and got an eye roll. {brand} do better'),
  t('complaint', 'en', 'sat on the tarmac at {fromCode} for {mins} minutes, no air con and not one update from the cockpit. thanks northwind 🙃'),
  t('complaint', 'en', '{brand} you cancelled my {time} to {to} with a text at 2am and the rebooking gets me there a day late. I want a refund, not a voucher'),
  t('complaint', 'en', 'cancelling my Northwind miles card today. {few} delays in {weeks} weeks and the app just says "check with staff". what staff??'),
  t('complaint', 'en', 'how does Northwind charge {amount} for a seat change and then move me to {seat} anyway without asking'),
  t('complaint', 'en', '{brand} gate {gate} at {fromCode}: 200 people, one agent, boarding already {mins} minutes late. and now the gate changed. again.'),
  t('complaint', 'en', 'on hold with Northwind customer service for {hours} hours now. the hold music is burned into my brain #NorthwindAir'),
  t('complaint', 'en', 'done with northwind. switching to {rival}, at least they answer the phone'),
  t('complaint', 'en', '{brand} my booking {ref} shows cancelled but nobody told me?? I am at the airport right now'),
  t('complaint', 'en', 'the Northwind app logged me out mid check-in for {flight} and now my seat is gone. great start to the holiday'),
  t('complaint', 'en', 'Northwind damaged my stroller on the {from} to {to} leg and the desk says "wear and tear". it was new. {brand}'),
  // English: questions
  t('question', 'en', "{brand} what's the cabin bag allowance on economy light? flying {fromCode}→{toCode} next week and don't want to pay at the gate"),
  t('question', 'en', 'does anyone know if Northwind lets small dogs in the cabin? moving to {to} with my {pet} in {month}'),
  t('question', 'en', '{brand} can I change the date on booking {ref} without paying the full fare difference?'),
  t('question', 'en', "is it just me or is the Northwind app down? can't get my boarding pass for {flight}"),
  t('question', 'en', '{brand} hi! travelling with a 9 month old on {flight}, can I take the stroller to the gate?'),
  t('question', 'en', 'anyone flown Northwind premium economy to {to}? worth the extra or nah'),
  t('question', 'en', '{brand} how long does a refund to a credit card usually take? it has been {days} days'),
  t('question', 'en', '{brand} is {flight} {fromCode}–{toCode} on time tomorrow? the app says one thing and the email another'),
  t('question', 'en', 'can you add a checked bag after booking with Northwind or only at the airport? flying {fromCode} to {toCode} on the {date}'),
  // English: praise
  t('praise', 'en', "shoutout to the Northwind crew on {flight} who found my kid's stuffed rabbit under row 20. heroes 🐰✈️"),
  t('praise', 'en', '{brand} smoothest boarding I have had in years at {fromCode}. the new self bag drop is great'),
  t('praise', 'en', 'ok Northwind redeemed themselves: rebooked me in {quick} minutes after the cancellation and threw in a lounge pass'),
  t('praise', 'en', "landed in {to} {mins} minutes early and the captain's commentary over the alps was a treat. thanks {brand}"),
  t('praise', 'en', 'the Northwind agent at gate {gate} handled a very angry passenger with so much patience. give her a raise'),
  t('praise', 'en', '{brand} got my refund in {days} days, no chasing. did not expect that, thank you'),
  t('praise', 'en', 'the new Northwind economy seats in row {row} actually have legroom?? who are you and what have you done with my knees'),
  // English: ideas (the dark-mode idea in several wordings)
  t('idea', 'en', 'please add dark mode to the Northwind app. checking in at {early}am with that white screen is painful'),
  t('idea', 'en', '{brand} any plans for a dark theme in the app? my eyes at night would thank you'),
  t('idea', 'en', 'would love a night mode in the Northwind app, boarding passes at full brightness on a red-eye are brutal'),
  t('idea', 'en', "{brand} idea: send a notification when my bag is actually on the belt, not just 'your flight has landed'"),
  t('idea', 'en', 'Northwind should let you pick seats for the whole family in one go in the app instead of one by one'),
  t('idea', 'en', '{brand} please bring back the {to} route in winter, I would fly it every month'),
  // English: spam
  t('spam', 'en', '{brand} 🎁 Northwind is giving away 500 free flights this weekend! Claim yours before midnight: {link}'),
  t('spam', 'en', 'Flight delayed? Get up to €600 back in 24h, no win no fee!! DM us or visit {link} #NorthwindAir #refund'),
  t('spam', 'en', '{brand} earn $3,000/week from home with my crypto signals, ask me how 💰💰 {link}'),
  t('spam', 'en', 'Cheap Northwind miles for sale, any route, instant transfer. reply MILES 🔥 {link}'),
  // English: neutral chatter (the last one does not mention the brand at all)
  t('chatter', 'en', 'boarding my Northwind flight to {to}, see you on the other side ☀️'),
  t('chatter', 'en', 'first time flying Northwind tomorrow, {fromCode}→{toCode}. any tips?'),
  t('chatter', 'en', 'the Northwind safety video with the dancing crew on the way to {to} lives in my head rent free'),
  t('chatter', 'en', 'spotted a Northwind A321 in the new livery at {fromCode} today #avgeek'),
  t('chatter', 'en', 'anyone else at {fromCode} watching the snow come down? cosy coffee before my {time} flight'),
  t('chatter', 'en', 'what a sunset from seat {seat} tonight'),
  // French
  t('complaint', 'fr', "Troisième retard ce mois-ci avec Northwind, et toujours aucune info au comptoir. C'est la dernière fois."),
  t('complaint', 'fr', '{brand} mon vol {flight} pour {to} annulé sans prévenir, et on me propose un avoir au lieu d’un remboursement. Inadmissible.'),
  t('complaint', 'fr', 'Valise perdue depuis {days} jours entre {from} et {to}. Je résilie ma carte Northwind et je passe chez {rival}.'),
  t('question', 'fr', '{brand} bonjour, est-ce que je peux voyager avec mon chat en cabine sur un vol vers {to} ?'),
  t('praise', 'fr', "Merci à l'équipage du {flight}, service impeccable et arrivée en avance à {to} 👏"),
  t('idea', 'fr', "{brand} un mode sombre dans l'appli, c'est prévu ? Ce serait top pour les vols de nuit."),
  t('chatter', 'fr', 'Direction {to} avec Northwind ce matin, café à la main ☕'),
  // Spanish
  t('complaint', 'es', '{brand} llevo {hours} horas esperando en {fromCode} por el {flight} y nadie da explicaciones. Vergüenza.'),
  t('complaint', 'es', 'Tercera vez que Northwind me pierde la maleta. Cancelo mi tarjeta de puntos y me paso a {rival}.'),
  t('complaint', 'es', 'Todavía sin reembolso del vuelo cancelado a {to}. {amount} euros, Northwind. Los quiero de vuelta.'),
  t('question', 'es', '{brand} hola, ¿cuántas maletas puedo facturar con la tarifa básica a {to}?'),
  t('praise', 'es', 'Qué gusto volar con Northwind: puntuales, amables y con buen café. Gracias a la tripulación del {flight} 💙'),
  t('idea', 'es', 'Northwind, por favor, poned modo oscuro en la app. A las {early} de la mañana ciega 😵'),
  t('chatter', 'es', 'Rumbo a {to} con Northwind, ¡por fin vacaciones!'),
  // German
  t('complaint', 'de', '{brand} Flug {flight} nach {to} schon wieder {hours} Stunden verspätet und keiner sagt uns was. Nie wieder.'),
  t('complaint', 'de', 'Koffer seit {days} Tagen verschwunden, Hotline ständig besetzt. Ich kündige meine Northwind-Karte und wechsle zu {rival}.'),
  t('question', 'de', '{brand} Hallo! Kann ich meine Buchung {ref} online auf einen anderen Tag umbuchen?'),
  t('question', 'de', 'Weiß jemand, ob man bei Northwind ein Fahrrad als Sondergepäck nach {to} mitnehmen darf?'),
  t('praise', 'de', 'Großes Lob an das Northwind-Team in {from}: schnell umgebucht, sehr freundlich. Danke!'),
  t('idea', 'de', '{brand} bitte einen Dunkelmodus für die App! Nachts ist die Bordkarte viel zu hell.'),
  t('chatter', 'de', "Gleich geht's mit Northwind nach {to}. Fensterplatz gesichert ✈️"),
]

/** Replies under someone else's post: the conversation continues. */
export const replyTemplates: readonly Template[] = [
  t('complaint', 'en', 'same here, {flight} was {hours} hours late last week and not a word from them'),
  t('chatter', 'en', 'ugh, hope you get it sorted. try the web chat, the phone line is hopeless'),
  t('question', 'en', 'did they ever get back to you? I have the same problem with booking {ref}'),
  t('praise', 'en', 'to be fair my last three Northwind flights were fine, maybe just bad luck?'),
  t('chatter', 'fr', 'Pareil pour moi la semaine dernière, courage !'),
  t('chatter', 'es', 'A mí me pasó lo mismo en {fromCode}, paciencia.'),
  t('chatter', 'de', 'Bei mir genauso, die Hotline ist ein Albtraum.'),
]

interface City {
  code: string
  names: Record<DemoLang, string>
}

const city = (code: string, en: string, fr = en, es = en, de = en): City => ({ code, names: { en, fr, es, de } })

export const cities: readonly City[] = [
  city('LHR', 'London', 'Londres', 'Londres'),
  city('CDG', 'Paris', 'Paris', 'París'),
  city('MAD', 'Madrid'),
  city('LIS', 'Lisbon', 'Lisbonne', 'Lisboa', 'Lissabon'),
  city('JFK', 'New York', 'New York', 'Nueva York'),
  city('BCN', 'Barcelona', 'Barcelone'),
  city('MUC', 'Munich', 'Munich', 'Múnich', 'München'),
  city('DUB', 'Dublin', 'Dublin', 'Dublín'),
  city('FCO', 'Rome', 'Rome', 'Roma', 'Rom'),
  city('AMS', 'Amsterdam', 'Amsterdam', 'Ámsterdam'),
  city('BOS', 'Boston'),
  city('EDI', 'Edinburgh', 'Édimbourg', 'Edimburgo'),
  city('FRA', 'Frankfurt', 'Francfort', 'Fráncfort'),
  city('KEF', 'Reykjavik', 'Reykjavik', 'Reikiavik', 'Reykjavík'),
]

const RIVALS = ['Tailspin Air', 'Fabrikam Airways', 'Litware Air']
const PETS = ['dog', 'cat', 'little terrier', 'old cat']
const MONTHS = ['March', 'April', 'June', 'September', 'October', 'November']
const SPAM_LINKS = ['https://nw-free-flights.example/claim', 'https://refund-fast.example/nw', 'https://miles-market.example/deal']

export interface RenderContext {
  rng: Rng
  /** How the brand is mentioned on this channel: "@northwindair" or "@northwindair.bsky.social". */
  brandMention: string
  lang: DemoLang
}

export function flightNumber(rng: Rng): string {
  return `NW${rng.int(10, 2999)}`
}

function ordinal(n: number): string {
  const suffix = n % 10 === 1 && n !== 11 ? 'st' : n % 10 === 2 && n !== 12 ? 'nd' : n % 10 === 3 && n !== 13 ? 'rd' : 'th'
  return `${n}${suffix}`
}

/** Fills a template's slots; unknown slots are left as they are. */
export function render(text: string, ctx: RenderContext): string {
  const { rng, lang } = ctx
  const from = rng.pick(cities)
  let to = rng.pick(cities)
  while (to === from) to = rng.pick(cities)
  const pad = (n: number): string => String(n).padStart(2, '0')
  const slots: Record<string, () => string> = {
    brand: () => ctx.brandMention,
    flight: () => flightNumber(rng),
    from: () => from.names[lang],
    to: () => to.names[lang],
    fromCode: () => from.code,
    toCode: () => to.code,
    time: () => `${pad(rng.int(5, 22))}:${pad(rng.int(0, 11) * 5)}`,
    hours: () => String(rng.int(2, 7)),
    mins: () => String(rng.int(20, 95)),
    days: () => String(rng.int(2, 12)),
    gate: () => `${rng.pick(['A', 'B', 'C', 'D'])}${rng.int(1, 38)}`,
    seat: () => `${rng.int(3, 38)}${rng.pick(['A', 'B', 'C', 'D', 'E', 'F'])}`,
    ref: () => bookingRef(rng),
    amount: () => String(rng.int(8, 90) * 10),
    rival: () => rng.pick(RIVALS),
    pet: () => rng.pick(PETS),
    month: () => rng.pick(MONTHS),
    link: () => rng.pick(SPAM_LINKS),
    few: () => String(rng.int(3, 6)),
    weeks: () => String(rng.int(4, 10)),
    quick: () => String(rng.int(5, 15)),
    early: () => String(rng.int(4, 6)),
    row: () => String(rng.int(10, 35)),
    nth: () => rng.pick(['second', 'third', 'fourth']),
    date: () => ordinal(rng.int(1, 28)),
  }
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => slots[name]?.() ?? whole)
}

const SUFFIXES: Record<Intent, { any: readonly string[]; en: readonly string[] }> = {
  complaint: { any: [' 😤', ' 🙄', ' 😡', ' #NorthwindAir'], en: [' smh', ' #fail', '!!', ' unreal'] },
  question: { any: [' 🙏', ' 🤔'], en: [' thanks in advance', ' x'] },
  praise: { any: [' 💙', ' 👏', ' 🙌', ' #NorthwindAir'], en: [' 10/10', ' made my day'] },
  idea: { any: [' 🙏', ' 💡'], en: [' pls', ' just saying'] },
  spam: { any: [], en: [] },
  chatter: { any: [' ✈️', ' 🌍', ' #travel'], en: [' lol', ' #avgeek'] },
}

/** Small personal touches (an emoji, a hashtag, a lower-case start) so the same template reads differently. */
export function voice(text: string, intent: Intent, lang: DemoLang, rng: Rng): string {
  let out = text
  const suffixes = lang === 'en' ? [...SUFFIXES[intent].any, ...SUFFIXES[intent].en] : SUFFIXES[intent].any
  if (suffixes.length > 0 && !/\p{Extended_Pictographic}\uFE0F?$/u.test(out) && rng.chance(0.35)) out = `${out.replace(/[.!]$/, '')}${rng.pick(suffixes)}`
  if (intent !== 'spam' && /^[A-Z][a-z]/.test(out) && rng.chance(0.2)) out = out[0]?.toLowerCase() + out.slice(1)
  return out
}

/** Hashtags in a rendered text, without '#'. */
export function hashtags(text: string): string[] {
  return [...text.matchAll(/#([\p{L}\p{N}_]+)/gu)].map((m) => m[1] ?? '')
}
