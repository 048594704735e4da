# The module libraries. One call of warden_library per target: its sources
# (private headers included), the public headers it owns, the warden targets
# it builds on (WARDEN_DEPS, linked PUBLIC: their headers appear in ours) and
# the third-party libraries it needs (PUBLIC_LIBS when our headers include
# theirs, PRIVATE_LIBS otherwise). scripts/check_includes.py reads this file
# to check that no file includes a header of a target its own target does not
# depend on, so keep one argument per line where lists are long.
#
# The graph (docs/architecture.md):
#   core <- text <- lm <- {watermark, guard, provenance}; fairness on core+text;
#   eval above all of them; the CLI above eval.
# A module whose parts need heavy third-party libraries that the rest does not
# is split so that a user of the light part does not link the heavy one:
#   text_normalize (ICU), text_vocab (PCRE2), lm_gguf, lm_remote (OpenSSL),
#   watermark_text (text detection needs the ICU normalizer).

warden_library(warden_core DIR core
  SOURCES status.cc io.cc io_lines.cc hash.cc parallel.cc paths.cc progress.cc strings.cc svg.cc
  HEADERS status.h token.h version.h io.h hash.h parallel.h paths.h progress.h strings.h svg.h
  PUBLIC_LIBS Threads::Threads
  PRIVATE_LIBS PkgConfig::ZSTD PkgConfig::XXHASH)

warden_library(warden_text DIR text
  SOURCES tokenizer.cc utf8.cc bpe_tokenizer.cc bpe_train.cc bpe_serialize.cc bpe_impl.h
          piece_cache.h pretokenize.h chat_template.cc corpus.cc
  HEADERS tokenizer.h bpe_tokenizer.h utf8.h chat_template.h corpus.h
  WARDEN_DEPS warden_core
  PRIVATE_LIBS ZLIB::ZLIB)

warden_library(warden_text_normalize DIR text
  SOURCES normalize.cc homoglyph.cc
  HEADERS normalize.h homoglyph.h
  WARDEN_DEPS warden_text
  PRIVATE_LIBS ICU::uc ICU::i18n)

warden_library(warden_text_vocab DIR text
  SOURCES model_vocab.cc model_vocab_bytes.cc model_vocab_merge.cc model_vocab_pretok.cc
          model_vocab_impl.h model_vocab_pretok.h
  HEADERS model_vocab.h
  WARDEN_DEPS warden_text
  PRIVATE_LIBS PkgConfig::PCRE2)

warden_library(warden_lm DIR lm
  SOURCES lm.cc sampler.cc generate.cc ngram.cc ngram_train.cc ngram_session.cc ngram_fastlog.cc
          ngram_format.h ngram_session.h ngram_fastlog.h train.cc
  HEADERS lm.h sampler.h generate.h ngram.h train.h
  WARDEN_DEPS warden_text)

warden_library(warden_lm_gguf DIR lm
  SOURCES gguf_reader.cc gguf_writer.cc gguf_model.cc transformer.cc transformer_kernels.cc
          transformer_kernels.h transformer_quant.cc transformer_synth.cc transformer_threads.cc
          open_model.cc
  HEADERS gguf.h gguf_model.h transformer.h open_model.h
  WARDEN_DEPS warden_lm warden_text_vocab)

warden_library(warden_lm_remote DIR lm
  SOURCES remote.cc remote_protocol.cc remote_protocol.h
  HEADERS remote.h
  WARDEN_DEPS warden_text
  PRIVATE_LIBS PkgConfig::HTTPLIB nlohmann_json::nlohmann_json)

warden_library(warden_watermark DIR watermark
  SOURCES watermark.cc watermark_processors.cc detect.cc detect_certificate.cc green.cc green.h
          stats.cc flat_set.h capi.cc record.cc
  HEADERS watermark.h detect.h stats.h record.h ../warden.h
  WARDEN_DEPS warden_lm
  PUBLIC_LIBS nlohmann_json::nlohmann_json)

warden_library(warden_watermark_text DIR watermark
  SOURCES text_detect.cc
  HEADERS text_detect.h
  WARDEN_DEPS warden_watermark warden_text_normalize)

warden_library(warden_guard DIR guard
  SOURCES guard.cc classifier.cc classifier_features.cc classifier_injection.cc
          classifier_recipe.cc classifier_recipe_data.cc classifier_recipe_metrics.cc
          classifier_scanners.cc classifier_train.cc fold.cc fold.h lexicon.cc lexicon_data.cc
          lexicon_pattern.cc lexicon_pattern.h lexicon_trie.cc lexicon_trie.h pii.cc
          pii_internal.h pii_recognizers.cc pii_validators.cc policy.cc secrets.cc sha256.cc
          sha256.h stream.cc
  HEADERS guard.h classifier.h classifier_recipe.h lexicon.h pii.h policy.h secrets.h stream.h
  WARDEN_DEPS warden_lm warden_text_normalize
  PRIVATE_LIBS ICU::uc ICU::i18n ${PHONENUMBER_LIB} PkgConfig::TOMLPP nlohmann_json::nlohmann_json
               OpenSSL::Crypto)

warden_library(warden_provenance DIR provenance
  SOURCES bloom.cc check.cc index_build.cc index_format.cc index_format.h index_inputs.cc
          index_query.cc kernels.cc kernels_sa64.cc kernels_winnow.cc tokens.cc tokens_code.cc
  HEADERS bloom.h check.h index.h kernels.h tokens.h
  WARDEN_DEPS warden_lm warden_text_normalize
  PRIVATE_LIBS ICU::uc ${WARDEN_DIVSUFSORT32_LIB} PkgConfig::DIVSUFSORT nlohmann_json::nlohmann_json)

warden_library(warden_fairness DIR fairness
  SOURCES audit.cc audit_bootstrap.cc data_csv.cc data_datasets.cc data_encoder.cc linalg.cc
          linalg.h model.cc pipeline.cc postprocess.cc report.cc simplex.cc simplex.h subgroup.cc
          train_logistic.cc train_moments.cc train_reductions.cc
  HEADERS audit.h data.h model.h pipeline.h postprocess.h report.h subgroup.h train.h
  WARDEN_DEPS warden_text
  PRIVATE_LIBS PkgConfig::OPENBLAS nlohmann_json::nlohmann_json)

# Evaluation harnesses behind `warden <module> eval` and the docs/*-eval.md
# pages. Never part of the product library; headers private (src/eval/).
warden_library(warden_eval DIR eval
  SOURCES watermark/watermark_eval.cc watermark/watermark_eval_figures.cc
          watermark/watermark_eval_report.cc watermark/watermark_eval.h watermark/attacks.cc
          watermark/attacks.h watermark/data.cc watermark/data.h watermark/notes.cc
          watermark/notes.h
          guard/classifier_eval.cc guard/classifier_eval.h guard/rules_eval.cc guard/rules_eval.h
          provenance/provenance_eval.cc provenance/provenance_eval.h
          provenance/provenance_eval_blocking.cc provenance/provenance_eval_irplag.cc
          provenance/provenance_eval_text.cc
          fairness/fairness_eval.cc fairness/fairness_eval.h fairness/fairness_eval_adult.cc
          fairness/fairness_eval_more.cc fairness/fairness_eval_util.h
  WARDEN_DEPS warden_watermark_text warden_guard warden_provenance warden_fairness
  PRIVATE_LIBS nlohmann_json::nlohmann_json)
