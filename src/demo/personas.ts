// The invented people who post in the demo: a fixed pool per seed, with an X account and a Bluesky DID each.
import { didPlc, snowflakeMs, xUserId } from './ids.ts'
import type { Rng } from './prng.ts'

export type DemoLang = 'en' | 'fr' | 'es' | 'de'

export interface Persona {
  lang: DemoLang
  name: string
  username: string
  xUserId: string
  /** ISO time the X account was created. */
  xCreatedAt: string
  did: string
  followers: number
  following: number
  tweetCount: number
  verified: boolean
  bio: string
}

const FIRST: Record<DemoLang, readonly string[]> = {
  en: ['Jess', 'Marcus', 'Priya', 'Tom', 'Aisha', 'Liam', 'Chloe', 'Dev', 'Hannah', 'Owen', 'Grace', 'Sam', 'Nadia', 'Rory', 'Bea', 'Kofi', 'Ellie', 'Jonah', 'Maya', 'Callum'],
  fr: ['Camille', 'Louis', 'Manon', 'Théo', 'Inès', 'Hugo', 'Léa', 'Julien', 'Chloé', 'Nathan'],
  es: ['Lucía', 'Mateo', 'Sofía', 'Diego', 'Valeria', 'Javier', 'Carmen', 'Pablo', 'Elena', 'Andrés'],
  de: ['Lena', 'Jonas', 'Mia', 'Felix', 'Hannah', 'Lukas', 'Sophie', 'Niklas', 'Marie', 'Tobias'],
}

const LAST: Record<DemoLang, readonly string[]> = {
  en: ['Okafor', 'Reid', 'Patel', 'Hughes', 'Khan', 'Brennan', 'Walsh', 'Moreno', 'Price', 'Sinclair', 'Adeyemi', 'Fletcher', 'Novak', 'Doyle', 'Chen', 'Barker'],
  fr: ['Martin', 'Lefèvre', 'Moreau', 'Girard', 'Roux', 'Fontaine', 'Chevalier', 'Lambert'],
  es: ['García', 'Fernández', 'López', 'Martín', 'Sánchez', 'Romero', 'Navarro', 'Torres'],
  de: ['Müller', 'Schmidt', 'Becker', 'Hoffmann', 'Wagner', 'Schulz', 'Keller', 'Braun'],
}

const BIOS: Record<DemoLang, readonly string[]> = {
  en: ['coffee, code and too many layovers', 'nurse. runner. permanently jetlagged', 'dad of two, fan of window seats', 'ux designer | she/her', 'photographer chasing light', 'just here for the memes', ''],
  fr: ['voyageuse à temps partiel', 'développeur, grimpeur, râleur', 'prof de maths et fan de trains', ''],
  es: ['viajera incansable ✈️', 'ingeniero y padre primerizo', 'fotografía, café y buen humor', ''],
  de: ['Pendlerin zwischen Hamburg und München', 'Softwareentwickler, Vielflieger', 'Reisen, Kaffee, Kaffee', ''],
}

/** A few people with reach: journalists, creators. Most of the pool stays small. */
const NOTABLES: readonly (Pick<Persona, 'lang' | 'name' | 'username' | 'bio'> & { followers: [number, number]; verified: boolean })[] = [
  { lang: 'en', name: 'Harriet Vance', username: 'harrietvance_travel', bio: 'travel editor. views mine.', followers: [18_000, 50_000], verified: true },
  { lang: 'en', name: 'The Points Nerd', username: 'thepointsnerd', bio: 'miles, upgrades and honest reviews', followers: [8_000, 25_000], verified: true },
  { lang: 'en', name: 'Danny Ruiz', username: 'dannyruiz_films', bio: 'filmmaker. always filming.', followers: [2_000, 6_000], verified: false },
  { lang: 'en', name: 'Ama Boateng', username: 'amaboateng', bio: 'consumer rights reporter', followers: [4_000, 12_000], verified: true },
  { lang: 'fr', name: 'Claire Dubois', username: 'clairedubois_voyage', bio: 'journaliste voyage', followers: [3_000, 15_000], verified: true },
  { lang: 'es', name: 'Viajes con Marta', username: 'viajesconmarta', bio: 'blog de viajes', followers: [2_500, 9_000], verified: false },
  { lang: 'de', name: 'Jan Vogel', username: 'janvogel_reist', bio: 'Reiseblogger', followers: [2_000, 7_000], verified: false },
]

function ascii(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
}

function smallFollowers(rng: Rng): number {
  // Heavy-tailed: most accounts have a few dozen to a few hundred followers.
  const f = Math.floor(Math.exp(rng.next() * rng.next() * 7.6 + 1.5))
  return Math.min(f, 1_900)
}

export function buildPersonas(rng: Rng, nowMs: number, count = 90): Persona[] {
  const people: Persona[] = []
  const usernames = new Set<string>()
  const dids = new Set<string>()
  const uniqueDid = (): string => {
    let d = didPlc(rng)
    while (dids.has(d)) d = didPlc(rng)
    dids.add(d)
    return d
  }
  /** Account creation time: encoded in snowflake ids, otherwise an early account (2008–2014). */
  const account = (xid: string): string => {
    const ms = xid.length >= 18 ? snowflakeMs(xid) : Date.UTC(2008, 0, 1) + rng.int(0, 7 * 365) * 86_400_000
    return new Date(Math.floor(ms / 1000) * 1000).toISOString()
  }
  for (const n of NOTABLES) {
    usernames.add(n.username)
    const id = xUserId(rng, nowMs)
    people.push({
      ...n,
      xUserId: id,
      xCreatedAt: account(id),
      did: uniqueDid(),
      followers: rng.int(n.followers[0], n.followers[1]),
      following: rng.int(200, 2_000),
      tweetCount: rng.int(5_000, 60_000),
      verified: n.verified,
    })
  }
  while (people.length < count) {
    const lang = rng.weighted<DemoLang>([['en', 70], ['fr', 10], ['es', 10], ['de', 10]])
    const first = rng.pick(FIRST[lang])
    const last = rng.pick(LAST[lang])
    const style = rng.int(0, 3)
    let username =
      style === 0 ? `${ascii(first)}_${ascii(last)}`
      : style === 1 ? `${ascii(first)}${ascii(last).slice(0, 3)}${rng.int(1, 99)}`
      : style === 2 ? `${ascii(first)}${rng.int(70, 99)}`
      : `the${ascii(first)}${ascii(last)}`
    username = username.replace(/[^a-z0-9_]/g, '').slice(0, 15)
    if (usernames.has(username)) continue
    usernames.add(username)
    const followers = rng.chance(0.08) ? rng.int(1_000, 2_400) : smallFollowers(rng)
    const id = xUserId(rng, nowMs)
    people.push({
      lang,
      name: rng.chance(0.1) ? `${first} ✈️` : `${first} ${last}`,
      username,
      xUserId: id,
      xCreatedAt: account(id),
      did: uniqueDid(),
      followers,
      following: rng.int(30, 1_500),
      tweetCount: rng.int(40, 20_000),
      verified: rng.chance(0.04),
      bio: rng.pick(BIOS[lang]),
    })
  }
  return people
}
