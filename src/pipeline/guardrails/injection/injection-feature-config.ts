/**
 * How text becomes a feature vector. Stored in the model file so that a model is always scored
 * with the features it was trained on.
 */
export interface InjectionFeatureConfig {
  /** Number of hash buckets is `2 ** hashBits`. */
  readonly hashBits: number;
  /** Smallest and largest character n-gram length, inclusive. */
  readonly charNgramMin: number;
  readonly charNgramMax: number;
  /** Word n-grams from 1 up to this length (1 = unigrams, 2 = uni- and bigrams). */
  readonly wordNgramMax: number;
  /**
   * When true, every n-gram is hashed twice: once into a shared bucket and once into a bucket
   * private to the text's domain (`user` turns or `indirect` tool/retrieved content). This is
   * feature augmentation for domain adaptation (Daumé III, 2007): a linear model can then learn
   * that "draft an introduction" is harmless from a user but an injection inside an email.
   */
  readonly domainCopies: boolean;
}

/** Which weights a text is scored with when the model has domain copies. */
export type InjectionFeatureDomain = 'user' | 'indirect';

/** The feature configuration the shipped model is trained with. */
export const defaultInjectionFeatureConfig: InjectionFeatureConfig = {
  hashBits: 18,
  charNgramMin: 3,
  charNgramMax: 5,
  wordNgramMax: 2,
  domainCopies: true,
};
