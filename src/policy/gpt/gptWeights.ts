import type { Rng } from '../../core/index.js';
import type { GptSpec } from '../gptPolicy.js';

/**
 * The weights of a `GptPolicy`, as one tree whose leaves are any `T` (variables for the model, slot
 * descriptions while building it). One function, {@link buildGptWeights}, fixes every weight's name,
 * shape, initialisation and position in the flat `variables` list, so these can never disagree.
 */

/** How a weight starts: i.i.d. normal (nanoGPT's N(0, 0.02²)) or a constant (LayerNorm gains, biases). */
export type WeightInit = { readonly kind: 'normal'; readonly std: number } | { readonly kind: 'constant'; readonly value: number };

/** The gain and bias of one LayerNorm. */
export interface LayerNormWeights<T> {
  readonly g: T;
  readonly b: T;
}

/** One pre-LayerNorm transformer block: x + attn(ln1(x)), then x + mlp(ln2(x)). */
export interface GptBlockWeights<T> {
  readonly ln1: LayerNormWeights<T>;
  /** Fused query/key/value projection [width, 3·width] and its bias. */
  readonly wqkv: T;
  readonly bqkv: T;
  /** Attention output projection [width, width] (a residual projection: scaled initialisation). */
  readonly wo: T;
  readonly bo: T;
  readonly ln2: LayerNormWeights<T>;
  /** MLP expansion [width, 4·width] and its bias. */
  readonly wfc: T;
  readonly bfc: T;
  /** MLP contraction [4·width, width] (a residual projection: scaled initialisation). */
  readonly wproj: T;
  readonly bproj: T;
}

/** Every weight of the model. */
export interface GptWeights<T> {
  /** Token embedding [vocabSize + 1, width]; the extra last row is the begin-of-sequence token. */
  readonly wte: T;
  /** Learned position embedding [maxLength, width]. */
  readonly wpe: T;
  readonly blocks: readonly GptBlockWeights<T>[];
  readonly lnf: LayerNormWeights<T>;
  /** Output head [width, vocabSize] (untied from `wte`). */
  readonly head: T;
}

/** Standard deviation of nanoGPT's initial weights. */
const INIT_STD = 0.02;

/**
 * Builds the weight tree, calling `make(name, shape, init)` once per weight in a fixed order (the order
 * of `Policy.variables` and `Policy.weightNames`). Names are stable checkpoint keys: `wte`, `wpe`,
 * `h0.ln1.g`, `h0.ln1.b`, `h0.attn.wqkv`, `h0.attn.bqkv`, `h0.attn.wo`, `h0.attn.bo`, `h0.ln2.g`, …,
 * `h0.mlp.wfc`, `h0.mlp.bfc`, `h0.mlp.wproj`, `h0.mlp.bproj`, `h1.…`, `lnf.g`, `lnf.b`, `head`.
 *
 * Initialisation follows nanoGPT: N(0, 0.02²) for embeddings and projections, N(0, (0.02/√(2·layers))²)
 * for the two residual projections of each block (so the residual stream's variance does not grow with
 * depth), zero biases, unit LayerNorm gains.
 *
 * @example
 * const names: string[] = [];
 * buildGptWeights({ kind: 'gpt', vocabSize: 5, maxLength: 8, layers: 1, heads: 2, width: 8 }, (name) => names.push(name));
 * names.slice(0, 3); // ['wte', 'wpe', 'h0.ln1.g']
 */
export function buildGptWeights<T>(spec: GptSpec, make: (name: string, shape: readonly number[], init: WeightInit) => T): GptWeights<T> {
  const { vocabSize, maxLength, layers, width } = spec;
  const normal: WeightInit = { kind: 'normal', std: INIT_STD };
  const residual: WeightInit = { kind: 'normal', std: INIT_STD / Math.sqrt(2 * layers) };
  const zeros: WeightInit = { kind: 'constant', value: 0 };
  const layerNorm = (prefix: string): LayerNormWeights<T> => ({
    g: make(`${prefix}.g`, [width], { kind: 'constant', value: 1 }),
    b: make(`${prefix}.b`, [width], zeros),
  });
  const wte = make('wte', [vocabSize + 1, width], normal);
  const wpe = make('wpe', [maxLength, width], normal);
  const blocks = Array.from({ length: layers }, (_, i): GptBlockWeights<T> => {
    const h = `h${i}`;
    return {
      ln1: layerNorm(`${h}.ln1`),
      wqkv: make(`${h}.attn.wqkv`, [width, 3 * width], normal),
      bqkv: make(`${h}.attn.bqkv`, [3 * width], zeros),
      wo: make(`${h}.attn.wo`, [width, width], residual),
      bo: make(`${h}.attn.bo`, [width], zeros),
      ln2: layerNorm(`${h}.ln2`),
      wfc: make(`${h}.mlp.wfc`, [width, 4 * width], normal),
      bfc: make(`${h}.mlp.bfc`, [4 * width], zeros),
      wproj: make(`${h}.mlp.wproj`, [4 * width, width], residual),
      bproj: make(`${h}.mlp.bproj`, [width], zeros),
    };
  });
  const lnf = layerNorm('lnf');
  const head = make('head', [width, vocabSize], normal);
  return { wte, wpe, blocks, lnf, head };
}

/**
 * The initial values of one weight, drawn from `rng` (Box–Muller for normals), so initial weights depend
 * only on the seed and the build order, never on the backend.
 *
 * @example
 * initialValues(createRng(0), 4, { kind: 'constant', value: 1 }); // Float32Array [1, 1, 1, 1]
 */
export function initialValues(rng: Rng, size: number, init: WeightInit): Float32Array {
  const out = new Float32Array(size);
  if (init.kind === 'constant') return out.fill(init.value);
  for (let i = 0; i < size; i++) {
    const u1 = 1 - rng.next(); // in (0, 1], so the log is finite
    const u2 = rng.next();
    out[i] = init.std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
  return out;
}
