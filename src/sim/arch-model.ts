// The procedural dental arch as plain data: an arch curve, 14 teeth placed along it by their
// standard widths (touching at interproximal contacts), gingiva with a scalloped crest, a palate
// for the upper jaw, enamel shades and seeded caries lesions. WASM evaluates it
// (assembly/sim); src/sim/arch-mesh.ts turns it into the reference mesh.
import { ScanfuseError } from '../errors.js';
import { Random } from '../math/random.js';
import { fromAxes, invertRigid, multiply, fromAxisAngle, toRowMajor3x4, type Transform } from '../math/pose.js';
import { CROWN_SIZES, TOOTH_TYPES, fdiNumber, type ToothType } from './dental-tables.js';

export type Jaw = 'upper' | 'lower';

/** Height where the gingival ridge ends (the vestibule), mm below the CEJ; the palate goes deeper. */
export const ARCH_FLOOR_Z = -6.5;

export interface ArchOptions {
  /** Which jaw; the upper one has a palate. Default 'lower'. */
  jaw?: Jaw;
  /** Seed of every random choice (sizes, shades, lesions). Default 1. */
  seed?: number;
  /** Number of caries lesions (interproximal and occlusal). Default 6. */
  lesions?: number;
}

export const DEFAULT_ARCH_OPTIONS: Readonly<Required<ArchOptions>> = Object.freeze({ jaw: 'lower', seed: 1, lesions: 6 });

export interface ToothModel {
  /** FDI number (11..47). */
  label: number;
  type: ToothType;
  side: 'right' | 'left';
  /** Arc length of the tooth centre along the arch curve (+ toward the patient's left), mm. */
  arc: number;
  /** Local frame (x mesio-distal, y buccal, z occlusal, origin at the CEJ on the curve) to world. */
  localToWorld: Transform;
  halfWidth: number;
  halfDepth: number;
  crownHeight: number;
  rootDepth: number;
  roundness: number;
  taperX: number;
  taperY: number;
  /** Local z above which the crown is cut flat (wear); Infinity = unworn. */
  wearCap: number;
  cusps: Array<{ x: number; y: number; height: number; radius: number }>;
  fissureDepth: number;
  fissureWidth: number;
  /** Enamel colour, RGB 0..255. */
  shade: [number, number, number];
}

export interface LesionModel {
  id: number;
  /** FDI number of the tooth it is on. */
  tooth: number;
  kind: 'interproximal' | 'occlusal';
  center: [number, number, number];
  radius: number;
  strength: number;
}

export interface ArchModel {
  jaw: Jaw;
  seed: number;
  /** The arch curve in the occlusal plane (z = 0), patient's right molars to left molars, mm. */
  curve: Float64Array;
  /** Arc length at each curve point (0 at the midline). */
  curveArc: Float64Array;
  teeth: ToothModel[];
  lesions: LesionModel[];
  gum: {
    halfWidth: number;
    radius: number;
    /** Crest height above the CEJ at tooth centres and at contacts (papillae), mm. */
    marginHeight: number;
    papillaHeight: number;
    gumRgb: [number, number, number];
    /** Per tooth FDI: lowering of the crest (gingival recession), mm. */
    recession: Record<number, number>;
  };
  palate: { depth: number } | null;
  blend: number;
  palateBlend: number;
}

/** x = patient's left, y = anterior, z = occlusal; the midline is x = 0. */
function archPoint(t: number, halfWidth: number, depth: number): [number, number] {
  // A rounded arch form: y = depth * (1 - |x/W|^2.2), traced by x.
  const x = t * halfWidth;
  return [x, depth * (1 - Math.pow(Math.abs(t), 2.2))];
}

function buildCurve(halfWidth: number, depth: number, samples = 801): { curve: Float64Array; arc: Float64Array; halfLength: number } {
  const curve = new Float64Array(samples * 2);
  for (let i = 0; i < samples; i++) {
    const [x, y] = archPoint(-1.12 + (2.24 * i) / (samples - 1), halfWidth, depth);
    curve[2 * i] = x;
    curve[2 * i + 1] = y;
  }
  const arc = new Float64Array(samples);
  for (let i = 1; i < samples; i++) arc[i] = arc[i - 1] + Math.hypot(curve[2 * i] - curve[2 * i - 2], curve[2 * i + 1] - curve[2 * i - 1]);
  const mid = arc[(samples - 1) / 2];
  for (let i = 0; i < samples; i++) arc[i] -= mid;
  return { curve, arc, halfLength: arc[samples - 1] };
}

/** Point and unit tangent of the curve at arc length s. */
export function curveAt(curve: Float64Array, arc: Float64Array, s: number): { point: [number, number]; tangent: [number, number] } {
  const n = arc.length;
  let lo = 0, hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (arc[mid] <= s) lo = mid; else hi = mid;
  }
  const t = Math.max(0, Math.min(1, (s - arc[lo]) / (arc[hi] - arc[lo] || 1)));
  const x = curve[2 * lo] + t * (curve[2 * hi] - curve[2 * lo]);
  const y = curve[2 * lo + 1] + t * (curve[2 * hi + 1] - curve[2 * lo + 1]);
  const dx = curve[2 * hi] - curve[2 * lo], dy = curve[2 * hi + 1] - curve[2 * lo + 1];
  const len = Math.hypot(dx, dy) || 1;
  return { point: [x, y], tangent: [dx / len, dy / len] };
}

/** Creates a seeded arch model. */
export function createArchModel(options: ArchOptions = {}): ArchModel {
  const o = { ...DEFAULT_ARCH_OPTIONS, ...options };
  if (o.jaw !== 'upper' && o.jaw !== 'lower') throw new ScanfuseError('INVALID_ARGUMENT', `createArchModel: jaw must be 'upper' or 'lower'`, { actual: String(o.jaw) });
  if (!Number.isInteger(o.lesions) || o.lesions < 0 || o.lesions > 32) {
    throw new ScanfuseError('INVALID_ARGUMENT', 'createArchModel: lesions must be an integer 0..32', { actual: o.lesions });
  }
  const rng = new Random(o.seed);
  const sizes = CROWN_SIZES[o.jaw];
  // Per-patient scale and per-tooth jitter of the standard sizes.
  const scale = 1 + 0.03 * rng.gaussian();
  const widths = TOOTH_TYPES.map((t) => sizes[t].mesioDistal * scale * (1 + 0.02 * rng.gaussian()));
  const contactOverlap = 0.12; // crowns overlap slightly at contacts, so they touch
  const needed = widths.reduce((s, w) => s + w - contactOverlap, 0) + 4;
  // Arch form: scale a base curve so its half length holds the teeth of one side.
  let halfWidth = o.jaw === 'upper' ? 25 : 23;
  let depth = o.jaw === 'upper' ? 40 : 36;
  halfWidth *= 1 + 0.03 * rng.gaussian();
  depth *= 1 + 0.03 * rng.gaussian();
  let built = buildCurve(halfWidth, depth);
  const k = needed / built.halfLength;
  halfWidth *= k;
  depth *= k;
  built = buildCurve(halfWidth, depth);
  // Center the arch around the origin in y.
  const yShift = -depth / 2;
  for (let i = 1; i < built.curve.length; i += 2) built.curve[i] += yShift;

  const baseShade: [number, number, number] = [[232, 224, 205], [228, 214, 188], [222, 205, 175]][rng.int(3)] as [number, number, number];
  const teeth: ToothModel[] = [];
  for (const side of ['right', 'left'] as const) {
    let s = 0;
    TOOTH_TYPES.forEach((type, i) => {
      const w = widths[i];
      const center = s + w / 2;
      s += w - contactOverlap;
      const arc = side === 'left' ? center : -center;
      const { point, tangent } = curveAt(built.curve, built.arc, arc);
      // Local frame: y buccal (outward), z occlusal, x = y cross z (along the curve toward the
      // patient's left), so the frame is right-handed on both sides.
      const yAxis = [-tangent[1], tangent[0], 0];
      const zAxis = [0, 0, 1];
      const xFinal = [tangent[0], tangent[1], 0];
      const spee = (type.startsWith('molar') ? 0.5 : type.startsWith('premolar') ? 0.25 : 0) + 0.15 * rng.gaussian();
      let frame = fromAxes(xFinal, yAxis, zAxis, [point[0], point[1], spee]);
      // Small natural rotation about the long axis.
      const twist = (2 * Math.PI / 180) * rng.gaussian();
      frame = multiply(frame, fromAxisAngle([0, 0, 1], twist));
      const size = sizes[type];
      const a = w / 2;
      const b = (size.buccoLingual * scale * (1 + 0.02 * rng.gaussian())) / 2;
      const h = size.height * scale;
      teeth.push(toothShape(type, side, fdiNumber(o.jaw, side, i + 1), arc, frame, a, b, h, o.jaw, rng, baseShade));
    });
  }
  teeth.sort((p, q) => p.arc - q.arc);

  const gumRgb: [number, number, number] = [206 + rng.range(-8, 8), 112 + rng.range(-8, 8), 122 + rng.range(-8, 8)];
  const model: ArchModel = {
    jaw: o.jaw,
    seed: o.seed,
    curve: built.curve,
    curveArc: built.arc,
    teeth,
    lesions: [],
    gum: { halfWidth: 6.2, radius: 2.6, marginHeight: 0.7, papillaHeight: 2.6, gumRgb, recession: {} },
    palate: o.jaw === 'upper' ? { depth: 11 + rng.range(-1, 1) } : null,
    blend: 0.35,
    palateBlend: 2.5,
  };
  model.lesions = placeLesions(model, o.lesions, rng);
  return model;
}

function toothShape(type: ToothType, side: 'right' | 'left', label: number, arc: number, localToWorld: Transform,
  a: number, b: number, h: number, jaw: Jaw, rng: Random, baseShade: [number, number, number]): ToothModel {
  const jitter = () => 1 + 0.1 * rng.gaussian();
  let cusps: ToothModel['cusps'] = [];
  let top = h, taperX = 0.85, taperY = 0.8, roundness = 0.8, fissureDepth = 0, fissureWidth = 0.3;
  if (type === 'central' || type === 'lateral') {
    taperX = 0.9; taperY = 0.2; roundness = 0.6; top = h - 0.2;
  } else if (type === 'canine') {
    taperX = 0.4; taperY = 0.45; top = h - 2.6; roundness = 1.3;
    cusps = [{ x: 0, y: 0.1 * b, height: 2.6 * jitter(), radius: 0.55 * a }];
  } else if (type === 'premolar1' || type === 'premolar2') {
    top = h - 2.3; taperX = 0.75; taperY = 0.66; roundness = 1.6;
    cusps = [
      { x: 0, y: 0.38 * b, height: 2.2 * jitter(), radius: 0.5 * a },
      { x: 0, y: -0.38 * b, height: (jaw === 'upper' ? 1.9 : 1.3) * jitter(), radius: 0.45 * a },
    ];
    fissureDepth = 0.5; fissureWidth = 0.3;
  } else {
    top = h - 2.3; taperX = 0.78; taperY = 0.7; roundness = 1.8;
    cusps = [
      { x: -0.42 * a, y: 0.38 * b, height: 2.0 * jitter(), radius: 0.42 * a },
      { x: 0.42 * a, y: 0.38 * b, height: 1.85 * jitter(), radius: 0.4 * a },
      { x: -0.42 * a, y: -0.38 * b, height: 2.1 * jitter(), radius: 0.44 * a },
      { x: 0.42 * a, y: -0.38 * b, height: 1.7 * jitter(), radius: 0.38 * a },
    ];
    // Distal cusp of the lower first molar: local +x is toward the patient's left.
    const distal = side === 'left' ? 1 : -1;
    if (type === 'molar1' && jaw === 'lower') cusps.push({ x: distal * 0.75 * a, y: 0.1 * b, height: 0.9 * jitter(), radius: 0.28 * a });
    fissureDepth = 0.6; fissureWidth = 0.32;
  }
  const shade: [number, number, number] = [baseShade[0] + rng.range(-4, 4), baseShade[1] + rng.range(-4, 4), baseShade[2] + rng.range(-5, 5)];
  return {
    label, type, side, arc, localToWorld, halfWidth: a, halfDepth: b, crownHeight: top, rootDepth: 8, roundness, taperX, taperY,
    wearCap: Infinity, cusps, fissureDepth, fissureWidth, shade,
  };
}

function placeLesions(model: ArchModel, count: number, rng: Random): LesionModel[] {
  const lesions: LesionModel[] = [];
  const posterior = model.teeth.filter((t) => t.type !== 'central' && t.type !== 'lateral' && t.type !== 'canine');
  for (let i = 0; i < count; i++) {
    const interproximal = i % 2 === 0;
    const pool = interproximal ? model.teeth : posterior;
    const tooth = pool[rng.int(pool.length)];
    let local: [number, number, number];
    let radius: number;
    if (interproximal) {
      // On a proximal surface just below the contact point, toward the buccal or lingual.
      const end = rng.next() < 0.5 ? -1 : 1;
      local = [end * tooth.halfWidth * 0.95, (rng.next() < 0.5 ? 1 : -1) * tooth.halfDepth * 0.45, tooth.crownHeight * 0.45];
      radius = rng.range(1.1, 1.6);
    } else {
      // In the central fissure.
      local = [rng.range(-0.3, 0.3) * tooth.halfWidth, 0, tooth.crownHeight + 0.3];
      radius = rng.range(0.8, 1.2);
    }
    const m = tooth.localToWorld;
    const center: [number, number, number] = [
      m[0] * local[0] + m[4] * local[1] + m[8] * local[2] + m[12],
      m[1] * local[0] + m[5] * local[1] + m[9] * local[2] + m[13],
      m[2] * local[0] + m[6] * local[1] + m[10] * local[2] + m[14],
    ];
    lesions.push({ id: i + 1, tooth: tooth.label, kind: interproximal ? 'interproximal' : 'occlusal', center, radius, strength: rng.range(0.7, 1) });
  }
  return lesions;
}

/** What the "months later" variant changed: the ground truth for scan comparison. */
export interface ArchChanges {
  movedTooth: { label: number; translation: [number, number, number]; rotationDegrees: number; axis: [number, number, number]; beforeToAfter: Transform };
  recession: Array<{ label: number; depth: number }>;
  wear: Array<{ label: number; depth: number }>;
}

export interface MonthsLaterOptions {
  /** Seed of the choices (which teeth change). Default: the arch's seed + 1. */
  seed?: number;
  /** How far the moved tooth moves, mm. Default 0.3. */
  translation?: number;
  /** How much it rotates, degrees. Default 2. */
  rotationDegrees?: number;
  /** Gingival recession depth, mm. Default 0.8. */
  recession?: number;
  /** Occlusal wear depth, mm. Default 0.25. */
  wear?: number;
}

/** The same arch months later: one tooth moved and rotated, gingival recession, wear. */
export function monthsLater(model: ArchModel, options: MonthsLaterOptions = {}): { model: ArchModel; changes: ArchChanges } {
  const rng = new Random(options.seed ?? model.seed + 1);
  const translation = options.translation ?? 0.3;
  const degrees = options.rotationDegrees ?? 2;
  const teeth = model.teeth.map((t) => ({ ...t, cusps: t.cusps.map((c) => ({ ...c })) }));
  // Move a premolar or canine (a typical orthodontic relapse).
  const movable = teeth.filter((t) => t.type === 'premolar1' || t.type === 'premolar2' || t.type === 'canine' || t.type === 'lateral');
  const moved = movable[rng.int(movable.length)];
  const m = moved.localToWorld;
  const buccal: [number, number, number] = [m[4], m[5], m[6]];
  const axis: [number, number, number] = [m[8], m[9], m[10]];
  const delta: [number, number, number] = [buccal[0] * translation, buccal[1] * translation, buccal[2] * translation];
  // Rotate about the tooth's long axis through its centre, then translate buccally.
  const center: [number, number, number] = [m[12], m[13], m[14]];
  const toOrigin = fromAxisAngle([0, 0, 1], 0, [-center[0], -center[1], -center[2]]);
  const rotate = fromAxisAngle(axis, (degrees * Math.PI) / 180);
  const back = fromAxisAngle([0, 0, 1], 0, [center[0] + delta[0], center[1] + delta[1], center[2] + delta[2]]);
  const beforeToAfter = multiply(back, multiply(rotate, toOrigin));
  moved.localToWorld = multiply(beforeToAfter, m);
  // Recession on two other teeth, wear on two posterior teeth or canines.
  const others = teeth.filter((t) => t !== moved);
  const recessionDepth = options.recession ?? 0.8;
  const wearDepth = options.wear ?? 0.25;
  const recession: ArchChanges['recession'] = [];
  const gumRecession: Record<number, number> = { ...model.gum.recession };
  for (let i = 0; i < 2; i++) {
    const t = others.splice(rng.int(others.length), 1)[0];
    gumRecession[t.label] = recessionDepth;
    recession.push({ label: t.label, depth: recessionDepth });
  }
  const wearable = others.filter((t) => t.cusps.length > 0);
  const wear: ArchChanges['wear'] = [];
  for (let i = 0; i < 2 && wearable.length; i++) {
    const t = wearable.splice(rng.int(wearable.length), 1)[0];
    const peak = t.crownHeight + Math.max(...t.cusps.map((c) => c.height));
    t.wearCap = peak - wearDepth;
    wear.push({ label: t.label, depth: wearDepth });
  }
  return {
    model: { ...model, teeth, lesions: model.lesions.map((l) => ({ ...l })), gum: { ...model.gum, recession: gumRecession } },
    changes: { movedTooth: { label: moved.label, translation: delta, rotationDegrees: degrees, axis, beforeToAfter }, recession, wear },
  };
}

// ---- records for the WASM kernels -----------------------------------------------------------

/** Packs the teeth into TOOTH_BYTES records (f32) at the layout's offsets. */
export function packTeeth(teeth: ToothModel[], c: Record<string, number>): Float32Array {
  const stride = c.TOOTH_BYTES / 4;
  const out = new Float32Array(stride * teeth.length);
  teeth.forEach((t, i) => {
    const o = i * stride;
    out.set(toRowMajor3x4(invertRigid(t.localToWorld)), o + c.TOOTH_WORLD_TO_LOCAL / 4);
    out[o + c.TOOTH_HALF_WIDTH / 4] = t.halfWidth;
    out[o + c.TOOTH_HALF_DEPTH / 4] = t.halfDepth;
    out[o + c.TOOTH_CROWN_HEIGHT / 4] = t.crownHeight;
    out[o + c.TOOTH_ROOT_DEPTH / 4] = t.rootDepth;
    out[o + c.TOOTH_ROUNDNESS / 4] = t.roundness;
    out[o + c.TOOTH_TAPER_X / 4] = t.taperX;
    out[o + c.TOOTH_TAPER_Y / 4] = t.taperY;
    out[o + c.TOOTH_WEAR_CAP / 4] = Number.isFinite(t.wearCap) ? t.wearCap : 1e6;
    out[o + c.TOOTH_CUSP_COUNT / 4] = t.cusps.length;
    out[o + c.TOOTH_FISSURE_DEPTH / 4] = t.fissureDepth;
    out[o + c.TOOTH_FISSURE_WIDTH / 4] = t.fissureWidth;
    out[o + c.TOOTH_LABEL / 4] = t.label;
    out.set(t.shade, o + c.TOOTH_SHADE / 4);
    t.cusps.slice(0, 5).forEach((cu, k) => out.set([cu.x, cu.y, cu.height, cu.radius], o + c.TOOTH_CUSPS / 4 + 4 * k));
  });
  return out;
}

export function packScene(model: ArchModel, c: Record<string, number>): Float32Array {
  const out = new Float32Array(c.SCENE_BYTES / 4);
  out[c.SCENE_GUM_HALF_WIDTH / 4] = model.gum.halfWidth;
  out[c.SCENE_GUM_RADIUS / 4] = model.gum.radius;
  out[c.SCENE_BLEND / 4] = model.blend;
  out[c.SCENE_PALATE_BLEND / 4] = model.palateBlend;
  out.set(model.gum.gumRgb, c.SCENE_GUM_RGB / 4);
  return out;
}

export function packLesions(lesions: LesionModel[], c: Record<string, number>): Float32Array {
  const stride = c.LESION_BYTES / 4;
  const out = new Float32Array(Math.max(1, lesions.length) * stride);
  lesions.forEach((l, i) => {
    out.set(l.center, i * stride + c.LESION_CENTER / 4);
    out[i * stride + c.LESION_RADIUS / 4] = l.radius;
    out[i * stride + c.LESION_ID / 4] = l.id;
    out[i * stride + c.LESION_STRENGTH / 4] = l.strength;
  });
  return out;
}

export interface ArchMap {
  data: Float32Array;
  nx: number;
  ny: number;
  originX: number;
  originY: number;
  spacing: number;
}

/**
 * The 2D arch map: per cell the lateral distance to the arch curve (normalised so the gingiva's
 * half width is constant), the gingival crest height (scalloped: low at tooth centres, high at
 * contacts, lowered where there is recession), the palate height and the arc length.
 */
export function buildArchMap(model: ArchModel, c: Record<string, number>, spacing = 0.2, margin = 10): ArchMap {
  const { curve, curveArc: arc } = model;
  const n = arc.length;
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (let i = 0; i < n; i++) {
    minX = Math.min(minX, curve[2 * i]); maxX = Math.max(maxX, curve[2 * i]);
    minY = Math.min(minY, curve[2 * i + 1]); maxY = Math.max(maxY, curve[2 * i + 1]);
  }
  const originX = minX - margin, originY = minY - margin;
  const nx = Math.ceil((maxX - minX + 2 * margin) / spacing) + 1;
  const ny = Math.ceil((maxY - minY + 2 * margin) / spacing) + 1;
  const cell = c.MAP_CELL_BYTES / 4;
  const data = new Float32Array(nx * ny * cell);
  const teeth = model.teeth;
  const gum = model.gum;
  const lastArc = Math.max(...teeth.map((t) => Math.abs(t.arc) + t.halfWidth));
  const backY = Math.min(curve[1], curve[2 * n - 1]);
  const crestAt = (s: number): number => {
    // Scallop: lowest at each tooth centre, highest at contacts.
    let best = Infinity;
    let height = gum.marginHeight + 0.6;
    for (const t of teeth) {
      const d = Math.abs(s - t.arc) / t.halfWidth;
      if (d < best) {
        best = d;
        const frac = Math.min(1, d);
        height = gum.marginHeight + (gum.papillaHeight - gum.marginHeight) * Math.pow(frac, 2.5) - (gum.recession[t.label] ?? 0) * Math.max(0, 1 - frac * frac);
      }
    }
    if (Math.abs(s) > lastArc) {
      // Behind the last molars the crest eases down to the retromolar pad.
      const f = Math.min(1, (Math.abs(s) - lastArc) / 3);
      height = gum.papillaHeight + (gum.marginHeight + 0.8 - gum.papillaHeight) * f * f * (3 - 2 * f);
    }
    return height;
  };
  // Tooth half depth along the arch, interpolated between neighbouring tooth centres (smooth gingiva).
  const centres = teeth.map((t) => [t.arc, t.halfDepth] as const);
  const halfDepthAt = (s: number): number => {
    if (s <= centres[0][0]) return centres[0][1];
    for (let i = 1; i < centres.length; i++) {
      if (s <= centres[i][0]) {
        const f = (s - centres[i - 1][0]) / (centres[i][0] - centres[i - 1][0]);
        const w = f * f * (3 - 2 * f);
        return centres[i - 1][1] * (1 - w) + centres[i][1] * w;
      }
    }
    return centres[centres.length - 1][1];
  };
  const stride = 8;
  for (let iy = 0; iy < ny; iy++) {
    const y = originY + iy * spacing;
    for (let ix = 0; ix < nx; ix++) {
      const x = originX + ix * spacing;
      // Nearest curve segment: coarse search, then refine.
      let bestD = Infinity, bestI = 0;
      for (let i = 0; i < n - 1; i += stride) {
        const d = (curve[2 * i] - x) ** 2 + (curve[2 * i + 1] - y) ** 2;
        if (d < bestD) { bestD = d; bestI = i; }
      }
      bestD = Infinity;
      let bestT = 0, seg = bestI;
      for (let i = Math.max(0, bestI - stride - 1); i < Math.min(n - 1, bestI + stride + 1); i++) {
        const ax = curve[2 * i], ay = curve[2 * i + 1], bx = curve[2 * i + 2], by = curve[2 * i + 3];
        const dx = bx - ax, dy = by - ay;
        const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
        const d = (ax + t * dx - x) ** 2 + (ay + t * dy - y) ** 2;
        if (d < bestD) { bestD = d; bestT = t; seg = i; }
      }
      const ax = curve[2 * seg], ay = curve[2 * seg + 1], bx = curve[2 * seg + 2], by = curve[2 * seg + 3];
      const dx = bx - ax, dy = by - ay, len = Math.hypot(dx, dy);
      // Outward (buccal) normal = (-dy, dx) / len for a curve traced right molars -> left molars.
      const side = (-(x - ax) * dy + (y - ay) * dx) / len;
      const s = arc[seg] + bestT * (arc[seg + 1] - arc[seg]);
      const dist = Math.sqrt(bestD);
      const lateral = Math.sign(side || 1) * dist;
      // The gingiva is a little wider than the teeth it holds.
      const halfWidth = halfDepthAt(s) + 1.6;
      const o = (iy * nx + ix) * cell;
      data[o + c.MAP_LATERAL / 4] = (lateral * gum.halfWidth) / halfWidth;
      data[o + c.MAP_GUM_TOP / 4] = crestAt(s);
      // No sentinel values next to real ones: the map is interpolated, so the palate height is
      // continuous everywhere (the kernel limits the palate to the inside of the arch).
      let palateZ = -1e9;
      if (model.palate) {
        const inside = Math.max(0, -lateral - halfWidth);
        // The vault: independent of the scalloped crest, deepest along the midline; behind the
        // last molars it drops away steeply (the scan ends there).
        palateZ = gum.marginHeight + 0.6 - model.palate.depth * (1 - Math.exp(-inside / 5)) - 4 * Math.max(0, backY - 1 - y);
      }
      data[o + c.MAP_PALATE_Z / 4] = palateZ;
      data[o + c.MAP_ARC / 4] = s;
    }
  }
  return { data, nx, ny, originX, originY, spacing };
}
