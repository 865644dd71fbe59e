/** Expected word counts of the shared test corpora, from the corpora's README. */
export interface CorpusExpectation {
  file: string;
  totalWords: number;
  distinctWords: number;
  /** The five most frequent words with their counts, in result order. */
  top: [string, number][];
}

export const TINY_SHAKESPEARE: CorpusExpectation = {
  file: 'tinyshakespeare.txt',
  totalWords: 203_863,
  distinctWords: 12_374,
  top: [
    ['the', 6287],
    ['and', 5690],
    ['to', 4902],
    ['i', 4664],
    ['of', 3759],
  ],
};

export const WAR_AND_PEACE: CorpusExpectation = {
  file: 'war-and-peace-en.txt',
  totalWords: 570_056,
  distinctWords: 18_254,
  top: [
    ['the', 34725],
    ['and', 22307],
    ['to', 16755],
    ['of', 15008],
    ['a', 10580],
  ],
};
