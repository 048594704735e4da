// The OpenAI-compatible client against an in-process mock server on
// 127.0.0.1 (ephemeral port): plain and streamed answers, retries after
// 503/connection errors, no retry after 400, read timeout, malformed answers.
#include "warden/lm/remote.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <thread>

#include "lm/remote_protocol.h"

namespace warden::lm {
namespace {

// httplib server on a background thread, stopped on destruction.
class MockServer {
 public:
  MockServer() = default;
  ~MockServer() { Stop(); }
  httplib::Server& svr() { return svr_; }
  void Start() {
    port_ = svr_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { svr_.listen_after_bind(); });
    for (int i = 0; i < 500 && !svr_.is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
  void Stop() {
    svr_.stop();
    if (thread_.joinable()) thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  httplib::Server svr_;
  std::thread thread_;
  int port_ = 0;
};

RemoteOptions Options(const std::string& url) {
  RemoteOptions o;
  o.url = url;
  o.model = "tiny";
  o.api_key_env = "WARDEN_TEST_REMOTE_KEY";
  o.initial_backoff_s = 0.01;
  o.max_backoff_s = 0.05;
  o.read_timeout_s = 5;
  o.connect_timeout_s = 2;
  return o;
}

RemoteModel Model(const RemoteOptions& o) {
  auto m = RemoteModel::Create(o);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return std::move(m).value();
}

constexpr const char* kCompletion =
    R"({"id":"x","object":"text_completion","model":"tiny-v2","choices":[{"index":0,)"
    R"("text":" world","finish_reason":"length"}],"usage":{"prompt_tokens":2,"completion_tokens":1}})";

TEST(RemoteTest, CompletionRequestAndResponse) {
  MockServer server;
  std::string seen_body, seen_auth;
  server.svr().Post("/v1/completions", [&](const httplib::Request& req, httplib::Response& res) {
    seen_body = req.body;
    seen_auth = req.get_header_value("Authorization");
    res.set_content(kCompletion, "application/json");
  });
  server.Start();
  setenv("WARDEN_TEST_REMOTE_KEY", "sk-test", 1);
  RemoteModel m = Model(Options(server.url()));
  unsetenv("WARDEN_TEST_REMOTE_KEY");
  EXPECT_TRUE(m.has_api_key());
  RemoteSampling s;
  s.temperature = 0.5;
  s.max_tokens = 3;
  s.seed = 7;
  s.stop = {"\n"};
  auto r = m.Complete("Hello", s);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->text, " world");
  EXPECT_EQ(r->finish_reason, "length");
  EXPECT_EQ(r->model, "tiny-v2");
  EXPECT_EQ(r->prompt_tokens, 2);
  EXPECT_EQ(r->completion_tokens, 1);
  EXPECT_EQ(r->attempts, 1);
  EXPECT_EQ(seen_auth, "Bearer sk-test");
  EXPECT_NE(seen_body.find(R"("prompt":"Hello")"), std::string::npos) << seen_body;
  EXPECT_NE(seen_body.find(R"("max_tokens":3)"), std::string::npos);
  EXPECT_NE(seen_body.find(R"("seed":7)"), std::string::npos);
  EXPECT_NE(seen_body.find(R"("stop":["\n"])"), std::string::npos);
  EXPECT_NE(seen_body.find(R"("stream":false)"), std::string::npos);
  EXPECT_EQ(seen_body.find("top_p"), std::string::npos);  // unset fields are not sent
}

TEST(RemoteTest, ChatUnderAPathPrefix) {
  MockServer server;
  std::string seen_body;
  server.svr().Post(
      "/proxy/v1/chat/completions", [&](const httplib::Request& req, httplib::Response& res) {
        seen_body = req.body;
        res.set_content(R"({"choices":[{"message":{"role":"assistant","content":"Hi!"},)"
                        R"("finish_reason":"stop"}]})",
                        "application/json");
      });
  server.Start();
  RemoteModel m = Model(Options(server.url() + "/proxy/v1/"));
  EXPECT_FALSE(m.has_api_key());
  const std::vector<text::ChatMessage> msgs = {{"system", "Be brief."}, {"user", "Hello"}};
  auto r = m.Chat(msgs, {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->text, "Hi!");
  EXPECT_EQ(r->finish_reason, "stop");
  EXPECT_NE(seen_body.find(R"({"content":"Hello","role":"user"})"), std::string::npos) << seen_body;
}

void StreamEvents(httplib::Response& res, std::vector<std::string> events) {
  res.set_chunked_content_provider("text/event-stream", [events](size_t, httplib::DataSink& sink) {
    for (const std::string& e : events) sink.write(e.data(), e.size());
    sink.done();
    return true;
  });
}

TEST(RemoteTest, StreamedChatDeliversDeltasInOrder) {
  MockServer server;
  server.svr().Post("/v1/chat/completions", [](const httplib::Request&, httplib::Response& res) {
    StreamEvents(
        res, {": keep-alive\n\n", "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}\n\n",
              "data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\r\n\r\n",
              // an event split across two writes
              "data: {\"choices\":[{\"delta\":{\"con",
              "tent\":\"lo\"},\"finish_reason\":\"stop\"}]}\n\n", "data: [DONE]\n\n"});
  });
  server.Start();
  RemoteModel m = Model(Options(server.url()));
  std::vector<std::string> deltas;
  const std::vector<text::ChatMessage> msgs = {{"user", "Hi"}};
  auto r = m.Chat(msgs, {}, [&](std::string_view d) {
    deltas.emplace_back(d);
    return true;
  });
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(deltas, (std::vector<std::string>{"Hel", "lo"}));
  EXPECT_EQ(r->text, "Hello");
  EXPECT_EQ(r->finish_reason, "stop");
}

TEST(RemoteTest, StreamedCompletionCanBeStoppedByTheCaller) {
  MockServer server;
  server.svr().Post("/v1/completions", [](const httplib::Request&, httplib::Response& res) {
    StreamEvents(res, {"data: {\"choices\":[{\"text\":\"a\"}]}\n\n",
                       "data: {\"choices\":[{\"text\":\"b\"}]}\n\n",
                       "data: {\"choices\":[{\"text\":\"c\"}]}\n\n", "data: [DONE]\n\n"});
  });
  server.Start();
  RemoteModel m = Model(Options(server.url()));
  int calls = 0;
  auto r = m.Complete("x", {}, [&](std::string_view) { return ++calls < 2; });
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->text, "ab");
}

TEST(RemoteTest, RetriesAfter503ThenSucceeds) {
  MockServer server;
  std::atomic<int> calls{0};
  server.svr().Post("/v1/completions", [&](const httplib::Request&, httplib::Response& res) {
    if (calls++ < 2) {
      res.status = 503;
      res.set_content(R"({"error":{"message":"loading model"}})", "application/json");
      return;
    }
    res.set_content(kCompletion, "application/json");
  });
  server.Start();
  auto r = Model(Options(server.url())).Complete("Hello", {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(calls.load(), 3);
  EXPECT_EQ(r->attempts, 3);
}

TEST(RemoteTest, GivesUpAfterMaxRetriesWithTheServerMessage) {
  MockServer server;
  std::atomic<int> calls{0};
  server.svr().Post("/v1/completions", [&](const httplib::Request&, httplib::Response& res) {
    ++calls;
    res.status = 429;
    res.set_content(R"({"error":{"message":"rate limited"}})", "application/json");
  });
  server.Start();
  RemoteOptions o = Options(server.url());
  o.max_retries = 2;
  auto r = Model(o).Complete("Hello", {});
  EXPECT_EQ(r.status().code(), StatusCode::kIOError);
  EXPECT_EQ(calls.load(), 3);
  EXPECT_NE(r.status().message().find("HTTP 429: rate limited"), std::string::npos)
      << r.status().message();
  EXPECT_NE(r.status().message().find("after 3 attempts"), std::string::npos);
}

TEST(RemoteTest, NoRetryAfter400) {
  MockServer server;
  std::atomic<int> calls{0};
  server.svr().Post("/v1/completions", [&](const httplib::Request&, httplib::Response& res) {
    ++calls;
    res.status = 400;
    res.set_content(R"({"error":{"message":"max_tokens must be positive"}})", "application/json");
  });
  server.Start();
  auto r = Model(Options(server.url())).Complete("Hello", {});
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(calls.load(), 1);
  EXPECT_NE(r.status().message().find("HTTP 400: max_tokens must be positive"), std::string::npos)
      << r.status().message();
  EXPECT_NE(r.status().message().find("/v1/completions"), std::string::npos);
}

TEST(RemoteTest, ReadTimeoutIsReportedAndNotRetried) {
  MockServer server;
  std::atomic<int> calls{0};
  server.svr().Post("/v1/completions", [&](const httplib::Request&, httplib::Response& res) {
    ++calls;
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    res.set_content(kCompletion, "application/json");
  });
  server.Start();
  RemoteOptions o = Options(server.url());
  o.read_timeout_s = 0.1;
  const auto t0 = std::chrono::steady_clock::now();
  auto r = Model(o).Complete("Hello", {});
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(r.status().code(), StatusCode::kIOError);
  EXPECT_NE(r.status().message().find("read timeout"), std::string::npos) << r.status().message();
  EXPECT_LT(s, 0.7);
  EXPECT_EQ(calls.load(), 1);
}

TEST(RemoteTest, ConnectionRefusedIsRetriedThenReported) {
  // Bind a port, then free it, so nothing listens there.
  std::string url;
  {
    MockServer server;
    server.Start();
    url = server.url();
  }
  RemoteOptions o = Options(url);
  o.max_retries = 2;
  auto r = Model(o).Complete("Hello", {});
  EXPECT_EQ(r.status().code(), StatusCode::kIOError);
  EXPECT_NE(r.status().message().find("cannot connect"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("after 3 attempts"), std::string::npos);
}

TEST(RemoteTest, BadJsonFromServerIsCorruption) {
  MockServer server;
  server.svr().Post("/v1/completions", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("<html>gateway</html>", "text/html");
  });
  server.svr().Post("/v1/chat/completions", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"choices":[{"message":{"content":42}}]})", "application/json");
  });
  server.Start();
  RemoteModel m = Model(Options(server.url()));
  auto r = m.Complete("Hello", {});
  EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
  EXPECT_NE(r.status().message().find("not JSON: <html>gateway</html>"), std::string::npos)
      << r.status().message();
  const std::vector<text::ChatMessage> msgs = {{"user", "Hi"}};
  EXPECT_EQ(m.Chat(msgs, {}).status().code(), StatusCode::kCorruption);
}

TEST(RemoteTest, BadStreamChunkIsCorruption) {
  MockServer server;
  server.svr().Post("/v1/completions", [](const httplib::Request&, httplib::Response& res) {
    StreamEvents(res, {"data: {\"choices\":[{\"text\":\"a\"}]}\n\n", "data: {oops\n\n"});
  });
  server.Start();
  std::string got;
  auto r = Model(Options(server.url())).Complete("x", {}, [&](std::string_view d) {
    got += d;
    return true;
  });
  EXPECT_EQ(r.status().code(), StatusCode::kCorruption) << r.status().ToString();
  EXPECT_EQ(got, "a");
}

TEST(RemoteTest, OptionsAreValidated) {
  for (const char* bad : {"localhost:8080", "ftp://x", "http://", "http://h/v1?x=1"}) {
    EXPECT_EQ(RemoteModel::Create(Options(bad)).status().code(), StatusCode::kInvalidArgument)
        << bad;
  }
  RemoteOptions o = Options("http://127.0.0.1:1");
  o.read_timeout_s = 0;
  EXPECT_FALSE(RemoteModel::Create(o).ok());
  o = Options("http://127.0.0.1:1");
  o.max_retries = -1;
  EXPECT_FALSE(RemoteModel::Create(o).ok());
}

TEST(RemoteTest, LogitsFeaturesSayTheyNeedALocalModel) {
  Status s = LogitsFeatureUnavailable("watermarking while decoding");
  EXPECT_EQ(s.code(), StatusCode::kUnimplemented);
  EXPECT_NE(s.message().find("logits"), std::string::npos);
  EXPECT_NE(s.message().find("--model"), std::string::npos);
}

TEST(RemoteSseTest, ParsesFieldsCommentsAndMultiLineData) {
  detail::SseParser p;
  std::vector<std::string> got;
  auto on = [&](std::string_view d) {
    got.emplace_back(d);
    return Status::Ok();
  };
  ASSERT_TRUE(p.Feed("event: x\nid: 1\ndata: a\ndata:b\n\n:c\n\ndata: tail", on).ok());
  EXPECT_EQ(got, (std::vector<std::string>{"a\nb"}));
  ASSERT_TRUE(p.Finish(on).ok());
  EXPECT_EQ(got, (std::vector<std::string>{"a\nb", "tail"}));
  detail::SseParser q;
  ASSERT_TRUE(q.Feed("data: [DONE]\n\ndata: late\n\n", on).ok());
  EXPECT_TRUE(q.done());
  EXPECT_EQ(got.size(), 2u);
}

TEST(RemoteSseTest, ServerErrorMessageForms) {
  EXPECT_EQ(detail::ServerErrorMessage(R"({"error":{"message":"bad\nkey"}})"), "bad key");
  EXPECT_EQ(detail::ServerErrorMessage(R"({"error":"nope"})"), "nope");
  EXPECT_EQ(detail::ServerErrorMessage("plain"), "plain");
  EXPECT_EQ(detail::ServerErrorMessage(""), "(empty body)");
  EXPECT_EQ(detail::ServerErrorMessage(std::string(1000, 'x')).size(), 303u);  // 300 + "..."
}

}  // namespace
}  // namespace warden::lm
