/**
 * Tokenising, cue analysis and hashed features, shared by the detector and the training script
 * so that training and serving can never drift apart.
 *
 * One char loop tokenises the lower-cased text; one Aho-Corasick pass finds all literal cues;
 * small token rules find waiting times ("seit drei Wochen", "for 2 hours") and counted repeat
 * contacts ("5 times", "3. Mal"). Negation scope, intensifiers and contrast work on token indices.
 *
 * Features (hashed into one weight vector with a sign hash):
 *  - word unigrams and bigrams; words in a negation scope are hashed as negated; URLs, @handles
 *    and numbers become placeholders; brand names of the development data are dropped;
 *  - character 4-5-grams inside words (German compounds, inflection, misspellings);
 *  - cue features (counts after negation/contrast/intensifier handling, emphasis, profanity,
 *    contact-center cues, intents), once language-specific and once shared across languages.
 */
export * from './text-tokens';
export * from './feature-space';
export * from './cue-analysis';
export * from './featurizer';
