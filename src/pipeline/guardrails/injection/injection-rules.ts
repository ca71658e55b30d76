/** Where a piece of text came from: the user's own turn, a tool result, or retrieved content. */
export type InjectionSource = 'user' | 'tool' | 'retrieved';

/**
 * One high-precision pattern family. `confidence` is how likely a hit is a real injection on its
 * own; it feeds the noisy-OR in `combine-injection-score.ts`. Patterns run on normalised text
 * (NFKC, lowercase, invisible characters removed, whitespace collapsed).
 */
export interface InjectionRule {
  readonly id: string;
  readonly confidence: number;
  /** Sources the rule applies to; all when absent. */
  readonly sources?: readonly InjectionSource[];
  readonly patterns: readonly RegExp[];
}

/**
 * The rule set: English, German, French and Spanish variants where the training data (deepset,
 * about a third German) has them. Kept small on purpose: the classifier handles paraphrase, the
 * rules pin down phrasings that are injections wherever they appear.
 */
export const injectionRules: readonly InjectionRule[] = [
  {
    id: 'ignore-previous-instructions',
    confidence: 0.9,
    patterns: [
      /\b(?:ignore|disregard|forget|override|bypass)\b.{0,40}\b(?:previous|prior|above|earlier|preceding|all|your|any|everything)\b.{0,30}\b(?:instructions?|prompts?|tasks?|rules?|directions?|guidelines?|context|assignments?|commands?)\b/u,
      /\b(?:forget|ignore|disregard) (?:about )?(?:everything|all) (?:before|above|previous|prior|that|we discussed|i said|you were told)\b/u,
      /\bforget (?:about )?everything\b/u,
      /\b(?:ignoriere|ignorieren sie|vergiss(?! nicht)|vergessen sie(?! nicht)|missachte|missachten sie)\b.{0,40}\b(?:anweisungen|instruktionen|aufgaben|befehle|regeln|vorgaben|alles|bisherige[nms]?|vorherige[nms]?|obige[nms]?)\b/u,
      /\b(?:alle )?(?:bisherigen|vorherigen) (?:informationen|anweisungen|aufgaben)\b.{0,30}\b(?:irrelevant|egal|ungültig|vergessen)\b/u,
      /\b(?:ignorez|oubliez|oublie)\b.{0,30}\b(?:instructions|consignes|tout ce qui précède|tout)\b/u,
      /\bignore (?:toutes )?(?:les |tes )(?:instructions|consignes)\b/u,
      /\b(?:ignora|olvida|olvide)\b.{0,30}\b(?:instrucciones|indicaciones|todo lo anterior)\b/u,
    ],
  },
  {
    id: 'reveal-system-prompt',
    confidence: 0.85,
    patterns: [
      /\b(?:reveal|show|print|output|repeat|display|leak|tell me|give me|what (?:is|are))\b.{0,30}\b(?:system prompt|(?:your|the) (?:initial|original|hidden|secret|first) (?:prompt|instructions)|(?:your|all your) (?:prompt|prompt texts?|instructions))\b/u,
      /\b(?:zeige?|gib|nenne|verrate|wiederhole)\b.{0,30}\b(?:system-?prompt|deine[n]? (?:anweisungen|instruktionen|prompt|prompt-?texte?))\b/u,
      /\b(?:montre|révèle|affiche)\b.{0,30}\b(?:prompt système|tes instructions)\b/u,
    ],
  },
  {
    id: 'role-play-jailbreak',
    confidence: 0.8,
    patterns: [
      /\b(?:do anything now|developer mode|jailbreak|jailbroken|dan mode|no (?:restrictions|filters|rules) apply)\b/u,
      /\b(?:you are now|from now on,? you(?: are|'re| will)|pretend (?:to be|you are|that you)|act as (?:an? )?(?:unrestricted|unfiltered|uncensored|evil|rogue))\b/u,
      /\b(?:du bist (?:jetzt|nun|ab sofort)|ab (?:jetzt|sofort) bist du|tu so,? als (?:ob|wärst)|stell dir vor,? du bist)\b/u,
      /\b(?:tu es maintenant|à partir de maintenant,? tu es|fais comme si tu étais)\b/u,
    ],
  },
  {
    id: 'new-instructions',
    confidence: 0.85,
    patterns: [
      /\b(?:new|updated|real|actual) (?:instructions?|task|rules|system prompt)\s*:/u,
      /\b(?:now )?focus on your new task\b/u,
      /\b(?:neue (?:anweisung(?:en)?|aufgabe|regeln)|nouvelles? (?:instructions?|consignes?|tâche)|nuevas? (?:instrucciones|tarea))\s*:/u,
    ],
  },
  {
    id: 'exfiltration-link',
    confidence: 0.9,
    patterns: [
      // Markdown image or link whose URL carries a query value: the classic chat-log exfiltration.
      /!?\[[^\]]{0,200}\]\(\s*https?:\/\/[^)\s]+\?[^)\s]*=[^)\s]*\)/u,
      /<img\b[^>]{0,200}\bsrc\s*=\s*["']?https?:\/\/[^"'>\s]+\?[^"'>\s]*=/u,
      /https?:\/\/[^\s)]+[?&][\w-]+=\s*(?:\{|\[|\$\{|<)[\w\s-]{1,40}(?:\}|\]|>)/u,
    ],
  },
  {
    id: 'tool-call-hijack',
    confidence: 0.8,
    patterns: [
      /\b(?:call|invoke|use|run|execute|trigger)\b.{0,20}\b(?:the )?(?:tool|function|plugin|api|action)\b.{0,60}\b(?:send|forward|email|post|upload|transfer|delete|exfiltrate)\b/u,
      /\b(?:send|forward|email|upload|post)\b.{0,40}\b(?:conversation|chat history|user'?s? (?:data|emails?|files?|password|credentials?)|api keys?|cookies|environment variables)\b.{0,40}\bto\b/u,
      /\bwithout (?:telling|informing|asking|notifying) the user\b/u,
    ],
  },
  {
    // In a tool result or retrieved document, text that addresses the assistant's own output is
    // an instruction smuggled into data. In a user turn it is ordinary ("add examples to your
    // answer"), so the rule is limited to indirect sources.
    id: 'directive-to-assistant-output',
    confidence: 0.6,
    sources: ['tool', 'retrieved'],
    patterns: [
      /\b(?:in|to|into|within|throughout) your (?:response|answer|output|code|solution|implementation|summary|codebase)\b/u,
      /\b(?:following|subsequent|this) code (?:snippet|block|section|excerpt|segment|fragment)\b/u,
      /\b(?:dear|hey|attention|note to(?: the)?) (?:ai|assistant|chatbot|language model|llm)\b/u,
      /\b(?:if you are|as) an? (?:ai|assistant|language model|llm)\b.{0,40}\b(?:must|should|please|you will)\b/u,
    ],
  },
];

/**
 * Ids of the rules whose patterns match `normalisedText` for this source, in rule order. Pure.
 */
export function matchInjectionRules(normalisedText: string, source: InjectionSource): string[] {
  const hits: string[] = [];
  for (const rule of injectionRules) {
    if (rule.sources !== undefined && !rule.sources.includes(source)) continue;
    if (rule.patterns.some((pattern) => pattern.test(normalisedText))) hits.push(rule.id);
  }
  return hits;
}
