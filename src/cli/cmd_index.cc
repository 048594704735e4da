// `warden index ...`: build a provenance index and query it (count, locate,
// longest match at every position, info). Parsing and printing only.
#include <cstdio>
#include <memory>

#include "cli/common.h"
#include "warden/core/io.h"
#include "warden/provenance/index.h"

namespace warden::cli {
namespace {

struct BuildFlags {
  std::string out;
  std::vector<std::string> inputs;
  provenance::IndexBuildOptions opts;
  std::string bloom_model;
  bool no_bloom = false;
  bool raw_identifiers = false;
};

void PrintList(const char* what, const std::vector<std::string>& items) {
  if (items.empty()) return;
  std::printf("%s: %zu\n", what, items.size());
  for (const std::string& s : items) std::printf("  %s\n", s.c_str());
}

void RunBuild(const BuildFlags& f) {
  provenance::IndexBuildReport read_report;
  std::vector<provenance::IndexDocument> docs =
      OrDie(provenance::ReadIndexInputs(f.inputs, &read_report));
  std::unique_ptr<lm::NgramModel> model;
  if (!f.no_bloom)
    model = LoadModelOrDie(f.bloom_model.empty() ? DefaultModelPath() : f.bloom_model);
  provenance::IndexBuildOptions opts = f.opts;
  opts.mask_identifiers = opts.mask_literals = !f.raw_identifiers;
  provenance::IndexBuilder builder(f.out, opts, model ? &model->tokenizer() : nullptr);
  for (provenance::IndexDocument& d : docs) OrDie(builder.Add(std::move(d)));
  provenance::IndexBuildReport r = OrDie(builder.Finish());
  if (r.shards.empty() && read_report.skipped_binary.empty()) Fail("no documents to index");
  std::printf("indexed %llu documents, %llu tokens, %.1f MB of text into %s\n",
              static_cast<unsigned long long>(r.documents),
              static_cast<unsigned long long>(r.tokens), r.bytes / 1e6, f.out.c_str());
  for (const std::string& s : r.shards) std::printf("  wrote %s\n", s.c_str());
  const double tokens = r.tokens ? static_cast<double>(r.tokens) : 1.0;
  std::printf("size: %.2f bytes/token (core %.2f, fingerprints %.2f, bloom %.2f)\n",
              r.index_bytes / tokens, r.core_bytes / tokens, r.fingerprint_bytes / tokens,
              r.bloom_bytes / tokens);
  PrintList("skipped (binary)", read_report.skipped_binary);
  PrintList("repaired (invalid UTF-8)", r.repaired_utf8);
  PrintList("empty (kept)", r.empty);
  PrintList("duplicate ids (renamed)", r.renamed_duplicates);
}

struct QueryFlags {
  std::string index;
  std::string text;
  std::string file;
  std::string lang;
  bool raw = false;
  size_t max = 10;
};

std::vector<provenance::ProvenanceToken> QueryTokens(const QueryFlags& f, std::string* text) {
  *text = f.file.empty() ? f.text : OrDie(core::ReadFile(f.file));
  const provenance::TokenizeOptions o = OrDie(provenance::TokenizeOptionsFor(f.lang, f.raw));
  return OrDie(provenance::TokenizeForProvenance(*text, o));
}

CLI::App* AddQuery(CLI::App* parent, const char* name, const char* help,
                   std::shared_ptr<QueryFlags> f) {
  CLI::App* c = parent->add_subcommand(name, help);
  c->add_option("-i,--index", f->index, "index directory")->required();
  c->add_option("text", f->text, "the query text");
  c->add_option("-f,--file", f->file, "read the query from a file instead ('-' = stdin)");
  c->add_option("--lang", f->lang,
                "text (default) or a code language: c, cpp, java, python, javascript");
  c->add_flag("--raw-identifiers", f->raw,
              "code: keep identifier names (index built the same way)");
  return c;
}

}  // namespace

void RegisterIndex(CLI::App& app) {
  CLI::App* index = app.add_subcommand("index", "build and query a provenance index");
  index->require_subcommand(1);

  auto b = std::make_shared<BuildFlags>();
  CLI::App* build = index->add_subcommand(
      "build", "index text files, source files, directories or JSONL (a new shard per build)");
  build->add_option("-o,--out", b->out, "index directory (created; new shards are added)")
      ->required();
  build
      ->add_option("inputs", b->inputs,
                   "files or directories; .jsonl: one {\"id\",\"text\",\"lang\"} per line")
      ->required();
  build->add_option("--bloom-model", b->bloom_model,
                    "model whose tokens the decode-time Bloom filter uses (default: $WARDEN_MODEL "
                    "or models/default.wlm)");
  build->add_flag("--no-bloom", b->no_bloom, "no decode-time Bloom filter");
  build->add_option("--bloom-n", b->opts.bloom.n, "Bloom filter n-gram length (model tokens)")
      ->capture_default_str();
  build->add_option("--bloom-fpr", b->opts.bloom.false_positive_rate, "Bloom false-positive rate")
      ->capture_default_str();
  build->add_option("--winnow-k", b->opts.winnow_k, "fingerprint k-gram length (tokens)")
      ->capture_default_str();
  build->add_option("--winnow-w", b->opts.winnow_w, "winnowing window")->capture_default_str();
  build->add_option("--max-shard-tokens", b->opts.max_shard_tokens, "tokens per shard")
      ->capture_default_str();
  build->add_flag("--raw-identifiers", b->raw_identifiers,
                  "code: keep identifier names and literals (no masking)");
  build->callback([b]() { RunBuild(*b); });

  auto cf = std::make_shared<QueryFlags>();
  AddQuery(index, "count", "number of occurrences of a text", cf)->callback([cf]() {
    auto idx = OrDie(provenance::ProvenanceIndex::Open(cf->index));
    std::string text;
    std::printf("%llu\n", static_cast<unsigned long long>(idx->Count(QueryTokens(*cf, &text))));
  });

  auto lf = std::make_shared<QueryFlags>();
  CLI::App* locate = AddQuery(index, "locate", "documents and offsets where a text occurs", lf);
  locate->add_option("--max", lf->max, "most occurrences printed")->capture_default_str();
  locate->callback([lf]() {
    auto idx = OrDie(provenance::ProvenanceIndex::Open(lf->index));
    std::string text;
    const auto q = QueryTokens(*lf, &text);
    std::printf("%llu occurrences\n", static_cast<unsigned long long>(idx->Count(q)));
    for (const provenance::IndexOccurrence& o : idx->Locate(q, lf->max)) {
      std::printf("%s\ttoken %llu\tshard %u\n", o.doc_id.c_str(),
                  static_cast<unsigned long long>(o.token_offset), o.shard);
    }
  });

  auto gf = std::make_shared<QueryFlags>();
  AddQuery(index, "longest", "longest indexed match starting at every token of a text", gf)
      ->callback([gf]() {
        auto idx = OrDie(provenance::ProvenanceIndex::Open(gf->index));
        std::string text;
        const auto q = QueryTokens(*gf, &text);
        const auto m = idx->LongestMatches(q);
        std::printf("byte\ttoken\tlength\tcount\n");
        for (size_t i = 0; i < q.size(); ++i) {
          std::printf("%u\t%s\t%u\t%llu\n", q[i].begin,
                      text.substr(q[i].begin, q[i].end - q[i].begin).c_str(), m[i].length,
                      static_cast<unsigned long long>(m[i].count));
        }
      });

  auto info_dir = std::make_shared<std::string>();
  CLI::App* info = index->add_subcommand("info", "shards, documents, tokens and sizes");
  info->add_option("-i,--index", *info_dir, "index directory")->required();
  info->callback([info_dir]() {
    const provenance::IndexStats s = OrDie(provenance::ProvenanceIndex::Open(*info_dir))->stats();
    const double t = s.tokens ? static_cast<double>(s.tokens) : 1.0;
    std::printf(
        "%llu shards, %llu documents, %llu tokens\n", static_cast<unsigned long long>(s.shards),
        static_cast<unsigned long long>(s.documents), static_cast<unsigned long long>(s.tokens));
    std::printf("files %.1f MB = %.2f bytes/token (core %.2f, fingerprints %.2f, bloom %.2f)\n",
                s.file_bytes / 1e6, s.file_bytes / t, s.core_bytes / t, s.fingerprint_bytes / t,
                s.bloom_bytes / t);
  });
}

}  // namespace warden::cli
