// Author details for DIDs (Jetstream only carries the DID): handle, display name, follower count
// from the public AppView's app.bsky.actor.getProfiles (≤ 25 actors per call, no auth).
// `profilesFromResponse` is the pure mapping; `resolveProfiles` is the fetch at the edge.
import type { Author } from '../../core/model.ts'
import { failureFromError } from '../http.ts'
import type { AccountRuntime } from '../types.ts'
import { arrayAt, countAt, idAt, isRecord, stringAt } from '../wire.ts'
import { appViewUrlOf, callXrpc, failureFromXrpc } from './xrpc.ts'

export interface BlueskyProfile {
  did: string
  /** Null when the AppView marks the handle `handle.invalid`. */
  handle: string | null
  displayName: string | null
  followersCount: number | null
}

export interface ProfileContext {
  account: AccountRuntime
  fetch: typeof fetch
  signal: AbortSignal
  now(): Date
}

export type ProfilesResult =
  | { ok: true; profiles: Map<string, BlueskyProfile> }
  /** `profiles` holds what earlier batches resolved before the failure. */
  | { ok: false; retryable: boolean; retryAfterMs: number | null; reason: string; profiles: Map<string, BlueskyProfile> }

export const actorsPerCallMax = 25
/** Bounds one call of resolveProfiles (40 requests). */
export const didsPerResolveMax = 1_000
const didPattern = /^did:[a-z]+:[A-Za-z0-9._:%-]{1,2000}$/

/** app.bsky.actor.getProfiles response → profiles; malformed entries are dropped. */
export function profilesFromResponse(body: unknown): BlueskyProfile[] {
  if (!isRecord(body)) return []
  const profiles: BlueskyProfile[] = []
  for (const entry of arrayAt(body, 'profiles')) {
    if (!isRecord(entry)) continue
    const did = idAt(entry, 'did')
    if (did === null || !didPattern.test(did)) continue
    const handle = idAt(entry, 'handle')
    const displayName = stringAt(entry, 'displayName')?.trim() ?? ''
    profiles.push({
      did,
      handle: handle === null || handle === 'handle.invalid' ? null : handle,
      displayName: displayName === '' ? null : displayName,
      followersCount: countAt(entry, 'followersCount'),
    })
  }
  return profiles
}

/** The author with what the profile knows filled in (the DID stays the id). */
export function authorWithProfile(author: Author, profile: BlueskyProfile | undefined): Author {
  if (profile === undefined || profile.did !== author.externalUserId) return author
  return {
    ...author,
    handle: profile.handle ?? author.handle,
    displayName: profile.displayName ?? author.displayName,
    followers: profile.followersCount ?? author.followers,
  }
}

/** Profiles for the DIDs (deduplicated, invalid ones ignored), 25 per request. DIDs the AppView does not know are absent. */
export async function resolveProfiles(dids: readonly string[], ctx: ProfileContext): Promise<ProfilesResult> {
  const wanted = [...new Set(dids.filter((d) => didPattern.test(d)))].slice(0, didsPerResolveMax)
  const profiles = new Map<string, BlueskyProfile>()
  for (let i = 0; i < wanted.length; i += actorsPerCallMax) {
    const query = new URLSearchParams()
    for (const did of wanted.slice(i, i + actorsPerCallMax)) query.append('actors', did)
    let res
    try {
      res = await callXrpc({ fetch: ctx.fetch, signal: ctx.signal, baseUrl: appViewUrlOf(ctx.account), nsid: 'app.bsky.actor.getProfiles', query })
    } catch (err) {
      return { ok: false, retryable: true, retryAfterMs: null, reason: failureFromError(err).reason, profiles }
    }
    if (res.status !== 200) {
      const failure = failureFromXrpc(res, ctx.now())
      return failure.retryable
        ? { ok: false, retryable: true, retryAfterMs: failure.retryAfterMs, reason: failure.reason, profiles }
        : { ok: false, retryable: false, retryAfterMs: null, reason: failure.reason, profiles }
    }
    for (const profile of profilesFromResponse(res.json)) profiles.set(profile.did, profile)
  }
  return { ok: true, profiles }
}
