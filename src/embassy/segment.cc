// Sealing and opening journal segments.
#include "embassy/segment.h"

#include <sodium.h>

#include <nlohmann/json.hpp>

#include "core/big_endian.h"
#include "core/encoding.h"
#include "core/json.h"
#include "crypto/sha256.h"
#include "crypto/signature.h"
#include "embassy/sealing.h"

namespace riik::embassy {
namespace {

constexpr std::string_view kMagic = "RIIKSEG1";
constexpr size_t kMaxHeaderBytes = 4096;

// Reads a big-endian integer of `bytes` at `at`, advancing it.
Result<uint64_t> GetBe(std::string_view in, size_t& at, int bytes, const char* what) {
  if (in.size() - at < static_cast<size_t>(bytes))
    return InvalidArgument(std::string("segment truncated in its ") + what);
  const uint64_t v = ReadBigEndian(in.substr(at, bytes));
  at += bytes;
  return v;
}

std::string Sha256Raw(std::string_view data) { return DigestBytes(Sha256(data)); }

Json HeaderJson(const SegmentHeader& h) {
  return {{"created_us", h.created_us},     {"first_seq", h.first_seq},
          {"format", kSegmentFormat},       {"key_id", h.key_id},
          {"last_seq", h.last_seq},         {"node", h.node},
          {"nonce", Base64Encode(h.nonce)}, {"prev", HexEncode(h.prev)}};
}

Result<SegmentHeader> HeaderFromJson(const Json& j) {
  try {
    if (!j.is_object() || j.size() != 8 || j.at("format").get<std::string>() != kSegmentFormat) {
      return InvalidArgument("not a " + std::string(kSegmentFormat) + " header");
    }
    SegmentHeader h;
    h.node = j.at("node").get<std::string>();
    // Seqs below INT64_MAX: a restore goes on at last_seq + 1.
    ASSIGN_OR_RETURN(h.first_seq, IntegerIn(j.at("first_seq"), "a segment header's first_seq", 1, INT64_MAX - 1));
    ASSIGN_OR_RETURN(h.last_seq, IntegerIn(j.at("last_seq"), "a segment header's last_seq", 1, INT64_MAX - 1));
    h.key_id = j.at("key_id").get<std::string>();
    ASSIGN_OR_RETURN(h.created_us, IntegerIn(j.at("created_us"), "a segment header's created_us", 0, INT64_MAX));
    ASSIGN_OR_RETURN(h.nonce, Base64Decode(j.at("nonce").get<std::string>()));
    ASSIGN_OR_RETURN(h.prev, HexDecode(j.at("prev").get<std::string>()));
    if (h.last_seq < h.first_seq || h.nonce.size() != crypto_aead_xchacha20poly1305_ietf_NPUBBYTES ||
        h.prev.size() != 32 || h.node.empty() || h.node.size() > 63) {
      return InvalidArgument("segment header: inconsistent fields");
    }
    return h;
  } catch (const Json::exception&) {
    return InvalidArgument("segment header: a field is missing or of the wrong type (altered, or not a segment)");
  }
}

struct Framed {
  SegmentHeader header;
  std::string_view aad;  // magic, header length and header
  std::string_view ciphertext;
  std::string_view signed_part;  // everything before the signature
  std::string_view signature;
};

Result<Framed> Frame(std::string_view bytes) {
  if (bytes.size() > kMaxSegmentBytes) return InvalidArgument("a segment is at most 64 MiB");
  if (bytes.substr(0, kMagic.size()) != kMagic)
    return InvalidArgument("not a riik journal segment (no RIIKSEG1 magic)");
  size_t at = kMagic.size();
  ASSIGN_OR_RETURN(uint64_t header_len, GetBe(bytes, at, 4, "header length"));
  if (header_len > kMaxHeaderBytes || bytes.size() - at < header_len)
    return InvalidArgument("segment header length out of range");
  std::string_view header_text = bytes.substr(at, header_len);
  at += header_len;
  Framed f;
  f.aad = bytes.substr(0, at);
  ASSIGN_OR_RETURN(Json header, ParseJson(header_text, JsonLimits{kMaxHeaderBytes, 2}));
  ASSIGN_OR_RETURN(std::string canonical, CanonicalJson(header));
  if (canonical != header_text) return InvalidArgument("segment header is not canonical JSON");
  ASSIGN_OR_RETURN(f.header, HeaderFromJson(header));
  ASSIGN_OR_RETURN(uint64_t cipher_len, GetBe(bytes, at, 8, "ciphertext length"));
  if (bytes.size() - at < cipher_len || cipher_len < crypto_aead_xchacha20poly1305_ietf_ABYTES) {
    return InvalidArgument("segment ciphertext length out of range");
  }
  f.ciphertext = bytes.substr(at, cipher_len);
  at += cipher_len;
  f.signed_part = bytes.substr(0, at);
  ASSIGN_OR_RETURN(uint64_t sig_len, GetBe(bytes, at, 4, "signature length"));
  if (sig_len == 0 || sig_len > 256 || bytes.size() - at != sig_len)
    return InvalidArgument("segment signature length out of range");
  f.signature = bytes.substr(at);
  return f;
}

// An entry as a line of a segment: its fields but the changes as canonical JSON, a
// tab, the changes' text as the journal holds it (canonical JSON, so free of raw tabs
// and newlines), a newline. The changes are neither parsed nor re-encoded on the way.
void AppendEntryLine(std::string& out, const store::JournalEntry& e) {
  out += "{\"hash\":\"" + HexEncode(e.hash) + "\",\"node\":" + Json(e.node).dump() + ",\"prev_hash\":\"" +
         HexEncode(e.prev_hash) + "\",\"seq\":" + std::to_string(e.seq) + ",\"time_us\":" + std::to_string(e.time) +
         "}\t";
  out += e.changes;
  out.push_back('\n');
}

Result<store::JournalEntry> ParseEntryLine(std::string_view line) {
  size_t tab = line.find('\t');
  if (tab == std::string_view::npos) return DataLoss("a segment entry line has no tab between fields and changes");
  ASSIGN_OR_RETURN(Json j, ParseJson(line.substr(0, tab), JsonLimits{4096, 2}));
  store::JournalEntry e;
  try {
    if (!j.is_object() || j.size() != 5) return DataLoss("a segment entry's fields are malformed");
    auto seq = IntegerIn(j.at("seq"), "a segment entry's seq", 1, INT64_MAX - 1);
    auto time = IntegerIn(j.at("time_us"), "a segment entry's time_us", INT64_MIN, INT64_MAX);
    if (!seq.ok() || !time.ok()) return DataLoss(std::string((seq.ok() ? time : seq).status().message()));
    e.seq = *seq, e.time = *time;
    e.node = j.at("node").get<std::string>();
    ASSIGN_OR_RETURN(e.hash, HexDecode(j.at("hash").get<std::string>()));
    ASSIGN_OR_RETURN(e.prev_hash, HexDecode(j.at("prev_hash").get<std::string>()));
  } catch (const Json::exception&) {
    return DataLoss("a segment entry's fields are missing or of the wrong type");
  }
  e.changes = std::string(line.substr(tab + 1));
  return e;
}

}  // namespace

const std::string& FirstSegmentPrev() {
  static const std::string zero(32, '\0');
  return zero;
}

std::string DataKeyId(std::string_view data_key) { return HexEncode(Sha256Raw(data_key).substr(0, 8)); }

Result<SealedSegment> SealSegment(const std::vector<store::JournalEntry>& entries, const std::string& prev,
                                  std::string_view data_key, EVP_PKEY* signing_key) {
  if (entries.empty()) return InvalidArgument("a segment holds at least one journal entry");
  if (data_key.size() != kDataKeyBytes) return InvalidArgument("a data key is 32 bytes");
  if (prev.size() != 32) return InvalidArgument("the previous segment's hash is 32 bytes");
  std::string plain;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (i > 0 && entries[i].seq != entries[i - 1].seq + 1)
      return InvalidArgument("a segment's entries are consecutive");
    AppendEntryLine(plain, entries[i]);
  }
  SealedSegment out;
  SegmentHeader& h = out.header;
  h.node = entries.front().node;
  h.first_seq = entries.front().seq;
  h.last_seq = entries.back().seq;
  h.prev = prev;
  h.key_id = DataKeyId(data_key);
  h.nonce = NewSealNonce();
  h.created_us = NowMicros();
  ASSIGN_OR_RETURN(std::string header, CanonicalJson(HeaderJson(h)));

  std::string& bytes = out.bytes;
  bytes.append(kMagic);
  AppendBigEndian(bytes, header.size(), 4);
  bytes += header;
  ASSIGN_OR_RETURN(std::string ciphertext, CompressAndSeal(plain, data_key, h.nonce, bytes));
  AppendBigEndian(bytes, ciphertext.size(), 8);
  bytes += ciphertext;
  ASSIGN_OR_RETURN(std::string signature, SignSha256(signing_key, bytes));
  AppendBigEndian(bytes, signature.size(), 4);
  bytes += signature;
  out.hash = Sha256Raw(bytes);
  return out;
}

std::string SegmentHash(std::string_view bytes) { return Sha256Raw(bytes); }

Result<SegmentHeader> PeekSegmentHeader(std::string_view bytes) {
  ASSIGN_OR_RETURN(Framed f, Frame(bytes));
  return f.header;
}

Result<SealedSegment> CheckSegment(std::string_view bytes, EVP_PKEY* signer, const std::string& expected_prev) {
  ASSIGN_OR_RETURN(Framed f, Frame(bytes));
  const std::string which =
      "segment " + f.header.node + " " + std::to_string(f.header.first_seq) + ".." + std::to_string(f.header.last_seq);
  ASSIGN_OR_RETURN(bool signed_ok, VerifySha256(signer, f.signed_part, f.signature));
  if (!signed_ok) return DataLoss(which + ": the node's signature does not verify (the segment was altered)");
  if (f.header.prev != expected_prev) {
    return DataLoss(which + ": does not follow the last segment kept (a segment was dropped, reordered or replayed)");
  }
  return SealedSegment{std::string(bytes), Sha256Raw(bytes), f.header};
}

Result<std::vector<store::JournalEntry>> OpenSegment(std::string_view bytes, std::string_view data_key,
                                                     EVP_PKEY* signer, const std::string& expected_prev,
                                                     const store::JournalEntry* prev_entry) {
  ASSIGN_OR_RETURN(SealedSegment checked, CheckSegment(bytes, signer, expected_prev));
  const SegmentHeader& h = checked.header;
  if (data_key.size() != kDataKeyBytes || DataKeyId(data_key) != h.key_id) {
    return PermissionDenied("the segment was sealed with data key " + h.key_id + ", not this one");
  }
  ASSIGN_OR_RETURN(Framed f, Frame(bytes));
  ASSIGN_OR_RETURN(std::string plain,
                   OpenAndDecompress(f.ciphertext, data_key, h.nonce, f.aad, kMaxSegmentPlainBytes, "the segment"));
  std::vector<store::JournalEntry> entries;
  const store::JournalEntry* before = prev_entry;
  for (size_t at = 0; at < plain.size();) {
    size_t end = plain.find('\n', at);
    if (end == std::string::npos) return DataLoss("the segment's last entry is not terminated");
    ASSIGN_OR_RETURN(store::JournalEntry e, ParseEntryLine(std::string_view(plain).substr(at, end - at)));
    // The hash covers the changes' text; whoever applies them parses them (ApplyEntries).
    RETURN_IF_ERROR(store::CheckChainLink(before, e, h.node));
    entries.push_back(std::move(e));
    before = &entries.back();
    at = end + 1;
  }
  if (entries.empty() || entries.front().seq != h.first_seq || entries.back().seq != h.last_seq) {
    return DataLoss("the segment's entries are not the seqs its header names");
  }
  return entries;
}

}  // namespace riik::embassy
