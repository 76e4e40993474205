// A journal segment as it leaves a node for the data embassies: a run of consecutive
// journal entries, compressed (zstd), encrypted client-side with the node's data key
// (XChaCha20-Poly1305, the header as associated data), signed by the node (ECDSA P-256
// over SHA-256) and hash-chained to the node's previous segment. An embassy checks the
// structure, the signature and the chain without the key (it never has it) before it
// acknowledges; a restore with the key also checks every entry's hash chain. Format:
// docs/formats/segment.md.
#pragma once

#include <openssl/evp.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "store/journal.h"

namespace riik::embassy {

inline constexpr const char* kSegmentFormat = "riik-segment-v1";
inline constexpr size_t kMaxSegmentBytes = 64 << 20;        // a sealed segment
inline constexpr size_t kMaxSegmentPlainBytes = 256 << 20;  // its entries, decompressed
inline constexpr size_t kDataKeyBytes = 32;

struct SegmentHeader {
  std::string node;
  int64_t first_seq = 0, last_seq = 0;
  std::string prev;    // SHA-256 (32 bytes) of the node's previous segment; 32 zero bytes for the first
  std::string key_id;  // names the data key: hex of the first 8 bytes of its SHA-256
  std::string nonce;   // 24 bytes
  UnixMicros created_us = 0;
};

struct SealedSegment {
  std::string bytes;  // what is shipped and stored
  std::string hash;   // SHA-256 of bytes: the next segment's prev
  SegmentHeader header;
};

// The zero hash the first segment of a node links to.
const std::string& FirstSegmentPrev();
// SHA-256 of a segment's bytes (raw): what the next segment's prev names.
std::string SegmentHash(std::string_view bytes);
// "hex of SHA-256(key)[0..8)"
std::string DataKeyId(std::string_view data_key);

// Seals `entries` (non-empty, consecutive, one node's) after the segment `prev`.
Result<SealedSegment> SealSegment(const std::vector<store::JournalEntry>& entries, const std::string& prev,
                                  std::string_view data_key, EVP_PKEY* signing_key);

// What an embassy checks before acknowledging, with the node's public key but not the
// data key: the framing and header, the signature, and that the segment links to
// `expected_prev` (its hash of the node's last segment) — so an altered, dropped,
// reordered or replayed segment is refused, saying which. Returns the header and hash.
Result<SealedSegment> CheckSegment(std::string_view bytes, EVP_PKEY* signer, const std::string& expected_prev);

// The header alone, with the framing checked but not the signature: which seqs a
// received segment claims, to answer "not the next one" before checking it.
Result<SegmentHeader> PeekSegmentHeader(std::string_view bytes);

// A restore: CheckSegment, then decrypts and decompresses (bounded), parses the entries
// and checks them: the header's seq range, every entry's hash and link to the one before
// (`prev_entry`: the last entry restored so far, null for seq 1).
Result<std::vector<store::JournalEntry>> OpenSegment(std::string_view bytes, std::string_view data_key,
                                                     EVP_PKEY* signer, const std::string& expected_prev,
                                                     const store::JournalEntry* prev_entry);

}  // namespace riik::embassy
