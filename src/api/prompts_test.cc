// Safe-harbor prompt upload (issue 8 §2): validatePrompt on good and bad WAVs
// (every refusal names the field "body" and says why), and the routes through
// the real ApiService — upload, metadata, download, delete — with the file at
// DATA_DIR/prompts/campaign-<id>.wav and an audit event for every change.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "api/api_service.h"
#include "api/prompts.h"
#include "common/sha256.h"

namespace clearline::api {
namespace {

namespace fs = std::filesystem;

void put16(std::string& s, uint16_t v) {
  s += static_cast<char>(v & 0xFF);
  s += static_cast<char>(v >> 8);
}
void put32(std::string& s, uint32_t v) {
  for (int i = 0; i < 4; i++) s += static_cast<char>((v >> (8 * i)) & 0xFF);
}

struct WavSpec {
  uint16_t format = 1;
  uint16_t channels = 1;
  uint32_t rate = 8000;
  uint16_t bits = 16;
  size_t data_bytes = 16000;        // 1 s of 16-bit mono
  int64_t claimed_data = -1;        // data chunk length field; -1 = data_bytes
  bool data_first = false;
  bool with_data = true;
  bool list_chunk = false;          // an extra chunk before data (players skip it)
};

std::string wav(const WavSpec& w) {
  std::string fmt;
  fmt += "fmt ";
  put32(fmt, 16);
  put16(fmt, w.format);
  put16(fmt, w.channels);
  put32(fmt, w.rate);
  put32(fmt, w.rate * w.channels * w.bits / 8);
  put16(fmt, static_cast<uint16_t>(w.channels * w.bits / 8));
  put16(fmt, w.bits);
  std::string data;
  if (w.with_data) {
    data += "data";
    put32(data, static_cast<uint32_t>(w.claimed_data >= 0 ? w.claimed_data : static_cast<int64_t>(w.data_bytes)));
    for (size_t i = 0; i < w.data_bytes; i++) data += static_cast<char>((i * 37) & 0xFF);
  }
  std::string extra;
  if (w.list_chunk) {
    extra += "LIST";
    put32(extra, 5);
    extra += "abcde";
    extra += '\0';  // pad byte: odd chunks are padded
  }
  std::string body = "WAVE" + (w.data_first ? data + fmt : fmt + extra + data);
  std::string out = "RIFF";
  put32(out, static_cast<uint32_t>(body.size()));
  return out + body;
}

void expectRefused(const std::string& bytes, const std::string& why) {
  auto r = validatePrompt(bytes);
  ASSERT_FALSE(r.isOk()) << "accepted a file that should fail with: " << why;
  EXPECT_EQ(r.status().field(), "body");
  EXPECT_NE(r.status().message().find(why), std::string::npos) << r.status().message();
}

TEST(PromptValidation, AcceptsWhatThePlayerPlaysInFull) {
  auto pcm = validatePrompt(wav({}));
  ASSERT_TRUE(pcm.isOk()) << pcm.status().toString();
  EXPECT_EQ(pcm->format, "pcm16");
  EXPECT_EQ(pcm->samples, 8000);
  EXPECT_EQ(pcm->duration_ms, 1000);
  EXPECT_EQ(pcm->sha256, sha256Hex(wav({})));
  EXPECT_EQ(pcm->size, wav({}).size());

  WavSpec ulaw;
  ulaw.format = 7;
  ulaw.bits = 8;
  ulaw.data_bytes = 24000;
  auto u = validatePrompt(wav(ulaw));
  ASSERT_TRUE(u.isOk()) << u.status().toString();
  EXPECT_EQ(u->format, "ulaw");
  EXPECT_EQ(u->duration_ms, 3000);

  WavSpec alaw = ulaw;
  alaw.format = 6;
  alaw.list_chunk = true;
  auto a = validatePrompt(wav(alaw));
  ASSERT_TRUE(a.isOk()) << a.status().toString();
  EXPECT_EQ(a->format, "alaw");
}

TEST(PromptValidation, RefusesEachBadFileSayingWhy) {
  expectRefused("", "is empty");
  expectRefused("ID3\x03\x00\x00\x00\x00\x00\x00garbage-garbage", "MP3");
  expectRefused("OggS\x00\x02 hello hello hello", "Ogg");
  expectRefused("hello, this is a text file, not audio", "not a WAV file");
  WavSpec w;
  w.rate = 44100;
  expectRefused(wav(w), "44100 Hz: it must be 8000 Hz");
  w = {};
  w.channels = 2;
  w.data_bytes = 32000;
  expectRefused(wav(w), "2 channels: it must be mono");
  w = {};
  w.bits = 8;
  expectRefused(wav(w), "must be 16-bit PCM or 8-bit G.711");
  w = {};
  w.format = 3;  // IEEE float
  w.bits = 32;
  expectRefused(wav(w), "format 3");
  w = {};
  w.format = 0xFFFE;
  expectRefused(wav(w), "WAVE_FORMAT_EXTENSIBLE");
  w = {};
  w.claimed_data = 64000;  // says 4 s, has 1 s: a cut-off upload
  expectRefused(wav(w), "truncated");
  w = {};
  w.with_data = false;
  expectRefused(wav(w), "has no audio");
  w = {};
  w.data_first = true;
  expectRefused(wav(w), "before its format");
  w = {};
  w.data_bytes = 3200;  // 0.2 s
  expectRefused(wav(w), "too short");
  w = {};
  w.data_bytes = 61 * 16000;  // 61 s
  expectRefused(wav(w), "at most 60 s");
  // Over the size limit: resource_exhausted (413 over HTTP), still naming the body.
  std::string big = wav({});
  big.resize(kMaxPromptBytes + 1, '\0');
  auto r = validatePrompt(big);
  ASSERT_FALSE(r.isOk());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(r.status().field(), "body");
}

class PromptApi : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("clearline-prompt-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    store_ = std::move(storage::SqliteStore::open(":memory:", clock_).value());
    ApiOptions o;
    o.argon2 = Argon2Params{1, 1024, 1};
    o.rate_per_second = 0;
    o.login_per_minute = 1000;
    o.data_dir = dir_.string();
    service_ = std::make_unique<ApiService>(o, *store_, clock_, metrics_, scope_, nullptr);
    core::Actor actor{"test"};
    auto org = store_->campaigns().createOrganisation("Org", actor);
    core::Campaign c0 = core::newCampaign("C", core::PurposeClass::kPolitical);
    c0.org_id = org->id;
    c0.safe_harbor_message = "Sorry we missed you.";
    ASSERT_TRUE(store_->campaigns().createCampaign(c0, actor).isOk());
    AccountStore acc(store_->db(), clock_);
    auto token = [&](const std::string& name, Role role) {
      auto p = acc.createUser(name, role, "", "password123", o.argon2, actor);
      EXPECT_TRUE(p.isOk()) << p.status().toString();
      return *acc.createApiToken(p->user_id, "t", actor);
    };
    manager_ = token("manager1", Role::kCampaignManager);
    auditor_ = token("auditor1", Role::kAuditor);
  }
  void TearDown() override { fs::remove_all(dir_); }

  HttpResponse send(const std::string& method, const std::string& path, const std::string& token,
                    const std::string& body = "") {
    HttpRequest r;
    r.method = method;
    r.target = path;
    r.path = path;
    r.body = body;
    r.remote = "127.0.0.1";
    r.headers["authorization"] = "Bearer " + token;
    return service_->handle(r);
  }
  int64_t audits(const std::string& action) {
    auto q = store_->db().prepare("SELECT COUNT(*) FROM audit_events WHERE action = ?1");
    q->bind(1, action);
    (void)q->step();
    return q->int64(0);
  }
  std::string stored() {
    std::ifstream in(dir_ / "prompts" / "campaign-1.wav", std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  SystemClock clock_;
  Metrics metrics_;
  FlatEntityScope scope_;
  fs::path dir_;
  std::unique_ptr<storage::SqliteStore> store_;
  std::unique_ptr<ApiService> service_;
  std::string manager_, auditor_;
};

TEST_F(PromptApi, UploadShowDownloadDelete) {
  const std::string kPath = "/api/v1/campaigns/1/safe-harbor-prompt";
  auto none = send("GET", kPath, manager_);
  ASSERT_EQ(none.status, 200) << none.body;
  Json j = Json::parse(none.body);
  EXPECT_TRUE(j["wav"].is_null());
  EXPECT_EQ(j["played"], "default");
  EXPECT_EQ(j["text"], "Sorry we missed you.");
  EXPECT_EQ(send("GET", kPath + ".wav", manager_).status, 404);

  WavSpec w;
  w.data_bytes = 2 * 16000 + 800;  // 2.05 s
  std::string good = wav(w);
  auto up = send("POST", kPath, manager_, good);
  ASSERT_EQ(up.status, 200) << up.body;
  j = Json::parse(up.body);
  EXPECT_EQ(j["played"], "uploaded_wav");
  EXPECT_EQ(j["wav"]["sha256"], sha256Hex(good));
  EXPECT_EQ(j["wav"]["duration_ms"], 2050);
  EXPECT_EQ(j["wav"]["format"], "pcm16");
  EXPECT_EQ(j["wav"]["size"], good.size());
  EXPECT_EQ(j["wav"]["url"], kPath + ".wav");
  EXPECT_EQ(stored(), good);
  EXPECT_EQ(audits("campaign.prompt.upload"), 1);
  {
    auto q = store_->db().prepare(
        "SELECT payload FROM audit_events WHERE action = 'campaign.prompt.upload' AND object_id = '1'");
    ASSERT_TRUE(q.isOk());
    ASSERT_TRUE(*q->step());
    EXPECT_NE(q->text(0).find(sha256Hex(good)), std::string::npos) << q->text(0);
  }
  auto dl = send("GET", kPath + ".wav", auditor_);
  ASSERT_EQ(dl.status, 200);
  EXPECT_EQ(dl.content_type, "audio/wav");
  EXPECT_EQ(dl.body, good);

  // A bad file is refused with the field and the reason, and changes nothing.
  WavSpec cd;
  cd.rate = 44100;
  auto badr = send("POST", kPath, manager_, wav(cd));
  ASSERT_EQ(badr.status, 400) << badr.body;
  Json e = Json::parse(badr.body)["error"];
  EXPECT_EQ(e["field"], "body");
  EXPECT_NE(e["message"].get<std::string>().find("44100 Hz"), std::string::npos);
  std::string big(kMaxPromptBytes + 10, 'x');
  auto too_big = send("POST", kPath, manager_, big);
  EXPECT_EQ(too_big.status, 413) << too_big.body;
  EXPECT_EQ(Json::parse(too_big.body)["error"]["field"], "body");
  EXPECT_EQ(stored(), good);
  EXPECT_EQ(audits("campaign.prompt.upload"), 1);

  // Only campaign writers upload or delete; unknown campaigns are 404.
  EXPECT_EQ(send("POST", kPath, auditor_, good).status, 403);
  EXPECT_EQ(send("DELETE", kPath, auditor_).status, 403);
  EXPECT_EQ(send("POST", "/api/v1/campaigns/9/safe-harbor-prompt", manager_, good).status, 404);

  auto del = send("DELETE", kPath, manager_);
  ASSERT_EQ(del.status, 200) << del.body;
  EXPECT_TRUE(Json::parse(del.body)["wav"].is_null());
  EXPECT_FALSE(fs::exists(dir_ / "prompts" / "campaign-1.wav"));
  EXPECT_EQ(audits("campaign.prompt.delete"), 1);
  EXPECT_EQ(send("DELETE", kPath, manager_).status, 404);
  EXPECT_EQ(audits("campaign.prompt.delete"), 1);
}

}  // namespace
}  // namespace clearline::api

namespace clearline::api {
namespace {

// The recording announcement (issue 6 §5) is uploaded, shown, downloaded and
// removed like the safe-harbor prompt, to its own file — the one the dialer
// hands to the telephony (DATA_DIR/prompts/campaign-<id>-recording.wav) —
// with its own audit actions; the two never touch each other's file.
TEST_F(PromptApi, RecordingAnnouncementHasItsOwnFileAndAuditActions) {
  const std::string kPath = "/api/v1/campaigns/1/recording-announcement";
  auto none = send("GET", kPath, manager_);
  ASSERT_EQ(none.status, 200) << none.body;
  Json j = Json::parse(none.body);
  EXPECT_TRUE(j["wav"].is_null());
  EXPECT_EQ(j["played"], "default");
  EXPECT_EQ(j["recording_announcement"], "auto");
  EXPECT_TRUE(j["recording"].is_string());
  EXPECT_EQ(send("GET", kPath + ".wav", manager_).status, 404);

  WavSpec w;
  w.data_bytes = 3 * 16000;  // 3 s
  std::string ann = wav(w);
  auto up = send("POST", kPath, manager_, ann);
  ASSERT_EQ(up.status, 200) << up.body;
  j = Json::parse(up.body);
  EXPECT_EQ(j["played"], "uploaded_wav");
  EXPECT_EQ(j["wav"]["duration_ms"], 3000);
  EXPECT_EQ(j["wav"]["url"], kPath + ".wav");
  EXPECT_EQ(promptPath(dir_.string(), CampaignId(1), PromptKind::kRecordingAnnouncement),
            (dir_ / "prompts" / "campaign-1-recording.wav").string());
  EXPECT_TRUE(fs::exists(dir_ / "prompts" / "campaign-1-recording.wav"));
  EXPECT_FALSE(fs::exists(dir_ / "prompts" / "campaign-1.wav")) << "the safe-harbor prompt was written";
  EXPECT_EQ(audits("campaign.recording_announcement.upload"), 1);
  EXPECT_EQ(audits("campaign.prompt.upload"), 0);
  EXPECT_EQ(send("GET", kPath + ".wav", auditor_).body, ann);
  EXPECT_TRUE(Json::parse(send("GET", "/api/v1/campaigns/1/safe-harbor-prompt", manager_).body)["wav"].is_null());

  // Refusals name the field and do not mention the safe-harbor prompt.
  WavSpec stereo;
  stereo.channels = 2;
  auto bad = send("POST", kPath, manager_, wav(stereo));
  ASSERT_EQ(bad.status, 400) << bad.body;
  Json e = Json::parse(bad.body)["error"];
  EXPECT_EQ(e["field"], "body");
  EXPECT_EQ(e["message"].get<std::string>().find("safe-harbor"), std::string::npos) << e["message"];
  EXPECT_EQ(send("POST", kPath, auditor_, ann).status, 403);

  auto del = send("DELETE", kPath, manager_);
  ASSERT_EQ(del.status, 200) << del.body;
  EXPECT_TRUE(Json::parse(del.body)["wav"].is_null());
  EXPECT_FALSE(fs::exists(dir_ / "prompts" / "campaign-1-recording.wav"));
  EXPECT_EQ(audits("campaign.recording_announcement.delete"), 1);
  auto again = send("DELETE", kPath, manager_);
  EXPECT_EQ(again.status, 404);
  EXPECT_NE(Json::parse(again.body)["error"]["message"].get<std::string>().find("recording announcement"), std::string::npos);
}

}  // namespace
}  // namespace clearline::api
