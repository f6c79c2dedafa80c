"""Tiny real checkpoints for tests: random weights, real tokenizers trained on bundled PAWS-X text.

Two architectures, because they differ where wrappers break: BERT (WordPiece, ``token_type_ids``)
and XLM-R (SentencePiece-style Unigram, no ``token_type_ids``). Weights are random, so predictions are
arbitrary but deterministic: enough to test mechanics, not accuracy.
"""

from __future__ import annotations

from pathlib import Path


def _corpus() -> list[str]:
    from robustbench_xl.data import load_examples

    texts = []
    for lang in ("en", "de", "es", "fr", "ja", "ko", "zh"):
        for e in load_examples("pawsx", lang, n=300, seed=1):
            texts += [e.sentence1, e.sentence2]
    return texts


def build_bert(out: Path, id2label=None, num_labels: int = 2, seed: int = 0) -> Path:
    import torch
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

    tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=False)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.train_from_iterator(_corpus(), trainers.WordPieceTrainer(
        vocab_size=3000, special_tokens=["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]))
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1", special_tokens=[("[CLS]", cls), ("[SEP]", sep)])
    fast = BertTokenizerFast(tokenizer_object=tok, model_max_length=512)
    torch.manual_seed(seed)
    config = BertConfig(vocab_size=tok.get_vocab_size(), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=512, num_labels=num_labels,
                        id2label=id2label or {0: "not_paraphrase", 1: "paraphrase"},
                        label2id={v: k for k, v in (id2label or {0: "not_paraphrase", 1: "paraphrase"}).items()})
    model = BertForSequenceClassification(config)
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    fast.save_pretrained(out)
    return out


def build_xlmr(out: Path, seed: int = 1) -> Path:
    import torch
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import XLMRobertaConfig, XLMRobertaForSequenceClassification, XLMRobertaTokenizerFast

    tok = Tokenizer(models.Unigram())
    tok.normalizer = normalizers.NFKC()
    tok.pre_tokenizer = pre_tokenizers.Metaspace()
    tok.decoder = decoders.Metaspace()
    tok.train_from_iterator(_corpus(), trainers.UnigramTrainer(
        vocab_size=3000, special_tokens=["<s>", "<pad>", "</s>", "<unk>", "<mask>"], unk_token="<unk>"))
    bos, eos = tok.token_to_id("<s>"), tok.token_to_id("</s>")
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>", special_tokens=[("<s>", bos), ("</s>", eos)])
    fast = XLMRobertaTokenizerFast(tokenizer_object=tok, model_max_length=512)
    torch.manual_seed(seed)
    config = XLMRobertaConfig(vocab_size=tok.get_vocab_size(), hidden_size=32, num_hidden_layers=2,
                              num_attention_heads=2, intermediate_size=64, max_position_embeddings=520,
                              pad_token_id=tok.token_to_id("<pad>"), bos_token_id=bos, eos_token_id=eos,
                              type_vocab_size=1, num_labels=2, id2label={0: "LABEL_0", 1: "LABEL_1"},
                              label2id={"LABEL_0": 0, "LABEL_1": 1})
    model = XLMRobertaForSequenceClassification(config)
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out)
    fast.save_pretrained(out)
    return out
