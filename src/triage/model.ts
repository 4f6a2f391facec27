// Multinomial logistic regression over hashed sparse features: training (AdaGrad SGD,
// class-balanced, seeded), temperature calibration, and a compact int8 file format.
import { readFileSync, writeFileSync } from 'node:fs'
import { gunzipSync, gzipSync } from 'node:zlib'
import { FEATURE_VERSION, type FeatureConfig, type SparseVec } from './text.ts'

export interface LinearModel {
  task: string
  classes: string[]
  features: FeatureConfig
  /** weights[f * K + k] */
  weights: Float32Array
  bias: Float32Array
  temperature: number
  meta: Record<string, unknown>
}

/** Raw class scores (logits) into `out`. */
export function logits(m: LinearModel, x: SparseVec, out: Float64Array): Float64Array {
  const K = m.classes.length
  const w = m.weights
  for (let k = 0; k < K; k++) out[k] = m.bias[k]!
  for (let j = 0; j < x.n; j++) {
    const base = x.idx[j]! * K
    const v = x.val[j]!
    for (let k = 0; k < K; k++) out[k] = out[k]! + w[base + k]! * v
  }
  return out
}

/** Softmax in place, with temperature. */
export function softmax(z: Float64Array, temperature = 1): Float64Array {
  let max = -Infinity
  for (let k = 0; k < z.length; k++) if (z[k]! > max) max = z[k]!
  let sum = 0
  for (let k = 0; k < z.length; k++) { const e = Math.exp((z[k]! - max) / temperature); z[k] = e; sum += e }
  for (let k = 0; k < z.length; k++) z[k] = z[k]! / sum
  return z
}

export function predictProbs(m: LinearModel, x: SparseVec, out = new Float64Array(m.classes.length)): Float64Array {
  return softmax(logits(m, x, out), m.temperature)
}

// ---------------------------------------------------------------------------------------------
// Training

/** Mulberry32: a small seeded PRNG so training is reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface Example { x: SparseVec; y: number; w?: number }

export interface TrainOptions {
  epochs: number
  lr: number
  l2: number
  seed: number
  classWeights?: number[]
  /** called after each epoch; return a score (higher = better) to keep the best epoch */
  onEpoch?: (epoch: number, model: LinearModel, loss: number) => number | undefined
  /** early stopping: end after this many epochs without a better onEpoch score */
  patience?: number
}

/** Copies a sparse vector into exact-size arrays (training keeps one per example). */
export function compact(v: SparseVec): SparseVec {
  return { idx: v.idx.slice(0, v.n), val: v.val.slice(0, v.n), n: v.n }
}

export function balancedClassWeights(ys: number[], K: number, power = 1): number[] {
  const counts = new Array<number>(K).fill(0)
  for (const y of ys) counts[y]!++
  const n = ys.length
  return counts.map((c) => (c > 0 ? Math.pow(n / (K * c), power) : 0))
}

export function trainSoftmax(task: string, classes: string[], features: FeatureConfig, data: Example[], opt: TrainOptions): LinearModel {
  const K = classes.length
  const D = 1 << features.bits
  const model: LinearModel = { task, classes, features, weights: new Float32Array(D * K), bias: new Float32Array(K), temperature: 1, meta: {} }
  const g2 = new Float32Array(D * K) // AdaGrad accumulators
  const b2 = new Float32Array(K)
  const rand = rng(opt.seed)
  const order = data.map((_, i) => i)
  const z = new Float64Array(K)
  const cw = opt.classWeights ?? new Array<number>(K).fill(1)
  let best: { score: number; weights: Float32Array; bias: Float32Array; epoch: number } | null = null
  const eps = 1e-8
  for (let epoch = 1; epoch <= opt.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) { const j = Math.floor(rand() * (i + 1)); const t = order[i]!; order[i] = order[j]!; order[j] = t }
    let loss = 0
    for (const oi of order) {
      const ex = data[oi]!
      const p = softmax(logits(model, ex.x, z))
      const sw = (ex.w ?? 1) * cw[ex.y]!
      loss -= sw * Math.log(Math.max(p[ex.y]!, 1e-12))
      for (let k = 0; k < K; k++) {
        const g = sw * (p[k]! - (k === ex.y ? 1 : 0))
        b2[k] = b2[k]! + g * g
        model.bias[k] = model.bias[k]! - (opt.lr * g) / Math.sqrt(b2[k]! + eps)
      }
      for (let j = 0; j < ex.x.n; j++) {
        const base = ex.x.idx[j]! * K
        const v = ex.x.val[j]!
        for (let k = 0; k < K; k++) {
          const wi = base + k
          const g = sw * (p[k]! - (k === ex.y ? 1 : 0)) * v + opt.l2 * model.weights[wi]!
          const acc = g2[wi]! + g * g
          g2[wi] = acc
          model.weights[wi] = model.weights[wi]! - (opt.lr * g) / Math.sqrt(acc + eps)
        }
      }
    }
    const score = opt.onEpoch?.(epoch, model, loss / data.length)
    if (score !== undefined && (best === null || score > best.score)) {
      best = { score, weights: model.weights.slice(), bias: model.bias.slice(), epoch }
    }
    if (best && opt.patience !== undefined && epoch - best.epoch >= opt.patience) break
  }
  if (best) { model.weights = best.weights; model.bias = best.bias; model.meta.bestEpoch = best.epoch }
  return model
}

/** Picks the softmax temperature minimising the negative log-likelihood on held-out examples. */
export function calibrateTemperature(m: LinearModel, held: Example[]): number {
  const K = m.classes.length
  const z = new Float64Array(K)
  const raw = held.map((ex) => Float64Array.from(logits(m, ex.x, z)))
  let bestT = 1
  let bestNll = Infinity
  for (let t = 0.3; t <= 5.0001; t += 0.05) {
    let nll = 0
    for (let i = 0; i < held.length; i++) {
      const p = softmax(Float64Array.from(raw[i]!), t)
      nll -= Math.log(Math.max(p[held[i]!.y]!, 1e-12))
    }
    if (nll < bestNll) { bestNll = nll; bestT = t }
  }
  return Number(bestT.toFixed(2))
}

// ---------------------------------------------------------------------------------------------
// File format: "ESHM" magic, u32 header length, JSON header, then int8 weights (D*K) with one
// float scale per class. Only non-zero rows matter, but dense int8 keeps loading trivial.

const MAGIC = 0x4d485345 // 'ESHM' little-endian

export function serializeModel(m: LinearModel): Buffer {
  const K = m.classes.length
  const scales = new Array<number>(K).fill(0)
  for (let i = 0; i < m.weights.length; i++) { const k = i % K; const a = Math.abs(m.weights[i]!); if (a > scales[k]!) scales[k] = a }
  for (let k = 0; k < K; k++) scales[k] = scales[k]! > 0 ? scales[k]! / 127 : 1
  const q = new Int8Array(m.weights.length)
  for (let i = 0; i < m.weights.length; i++) q[i] = Math.max(-127, Math.min(127, Math.round(m.weights[i]! / scales[i % K]!)))
  const header = Buffer.from(JSON.stringify({
    format: 'earshot-linear-v1', featureVersion: FEATURE_VERSION, task: m.task, classes: m.classes, features: m.features,
    bias: Array.from(m.bias), temperature: m.temperature, scales, meta: m.meta,
  }), 'utf8')
  const head = Buffer.alloc(8)
  head.writeUInt32LE(MAGIC, 0)
  head.writeUInt32LE(header.length, 4)
  return Buffer.concat([head, header, Buffer.from(q.buffer, q.byteOffset, q.byteLength)])
}

export function deserializeModel(buf: Buffer): LinearModel {
  if (buf.length < 8 || buf.readUInt32LE(0) !== MAGIC) throw new Error('not an Earshot model file')
  const hl = buf.readUInt32LE(4)
  const h = JSON.parse(buf.subarray(8, 8 + hl).toString('utf8')) as {
    featureVersion: number; task: string; classes: string[]; features: FeatureConfig; bias: number[]; temperature: number; scales: number[]; meta: Record<string, unknown>
  }
  if (h.featureVersion !== FEATURE_VERSION) throw new Error(`model ${h.task} was trained with feature version ${h.featureVersion}, code has ${FEATURE_VERSION}: retrain with \`earshot train\``)
  const K = h.classes.length
  const n = (1 << h.features.bits) * K
  const q = new Int8Array(buf.buffer, buf.byteOffset + 8 + hl, n)
  const weights = new Float32Array(n)
  for (let i = 0; i < n; i++) weights[i] = q[i]! * h.scales[i % K]!
  return { task: h.task, classes: h.classes, features: h.features, weights, bias: Float32Array.from(h.bias), temperature: h.temperature, meta: h.meta }
}

/** Writes the model gzip-compressed (most hashed buckets are zero); returns the file size. */
export function saveModel(m: LinearModel, file: string): number {
  const buf = gzipSync(serializeModel(m), { level: 9 })
  writeFileSync(file, buf)
  return buf.length
}

export function loadModel(file: string): LinearModel {
  const raw = readFileSync(file)
  return deserializeModel(raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw)
}

/** Round-trips weights through int8 so held-out metrics describe the model as shipped. */
export function quantized(m: LinearModel): LinearModel {
  return deserializeModel(serializeModel(m))
}
