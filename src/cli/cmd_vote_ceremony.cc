// `riik vote ceremony keys|commit|finish`, `riik vote decrypt` and `riik vote tally`: the
// trustees' side of an election, each step run by one trustee on its own machine, with
// files passed between them (docs/formats/election-record.md, "Key ceremony files").
// No step ever holds another trustee's secrets, and the election's private key is never
// assembled: a trustee's key share stays sealed under its passphrase and is used only
// to decrypt the tally's sums, with a proof for every part.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/failure.h"
#include "cli/input_file.h"
#include "cli/terminal.h"
#include "core/encoding.h"
#include "core/file.h"
#include "crypto/sha256.h"
#include "crypto/x509.h"
#include "election/record.h"
#include "election/record_json.h"
#include "election/trustee_files.h"

namespace riik::cli {
namespace {

// Other trustees' files: a key, commitments or a share box is a few KiB; a decryption
// part holds a share and a proof per option of every contest.
constexpr uintmax_t kMaxTrusteeFileBytes = 1 << 20;
constexpr uintmax_t kMaxDecryptionPartBytes = 16 << 20;

struct TrusteeArgs {
  std::string manifest;
  std::string dir = ".";
  uint32_t trustee = 0;
  std::string kdf = "moderate";  // Argon2id's limits for what this step seals
  bool force = false;            // replace files an earlier run wrote
  std::string expect_keys;       // commit: the fingerprint of all transport keys, compared out of band
  std::string key;               // keys, commit, finish: this trustee's sealed transport key, kept apart
};

std::string PathOf(const TrusteeArgs& a, const std::string& name) { return a.dir + "/" + name; }
std::string Num(uint32_t n) { return std::to_string(n); }

Result<election::Manifest> ReadManifest(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return election::ParseManifest(text);
}

election::SealCost CostOf(const std::string& kdf) {
  return kdf == "interactive" ? election::SealCost::kInteractive : election::SealCost::kModerate;
}

Result<std::string> Passphrase(uint32_t trustee) {
  const std::string what = "Trustee " + Num(trustee) + "'s passphrase";
  return SecretFromEnv("RIIK_TRUSTEE_PASSPHRASE", what.c_str());
}

// Refuses to replace a file of an earlier step unless asked: the other trustees may
// already rely on it.
Status NotOverwriting(const std::string& path, bool force) {
  std::error_code ec;
  if (!force && std::filesystem::exists(path, ec)) {
    return FailedPrecondition(path +
                              " exists (an earlier run wrote it; the other trustees may rely on it): "
                              "remove it or give --force");
  }
  return OkStatus();
}

// Refuses to write a trustee's secret (`what`, named by `option`) into --dir or below it,
// whose files go to the other trustees. Each directory above the file is compared with
// --dir as a file (std::filesystem::equivalent), so spellings and symlinks do not matter.
Status KeptApart(const TrusteeArgs& a, const std::string& path, const char* option, const char* what) {
  std::error_code ec;
  std::filesystem::create_directories(a.dir, ec);
  if (ec) return Internal("making " + a.dir + ": " + ec.message());
  for (auto p = std::filesystem::absolute(path).parent_path();; p = p.parent_path()) {
    if (std::filesystem::equivalent(p, a.dir, ec)) {
      return InvalidArgument(std::string(option) + " " + path + " is in --dir " + a.dir +
                             ", whose files go to the other trustees: keep " + what + " elsewhere");
    }
    if (p == p.parent_path()) return OkStatus();
  }
}

// Every trustee's published transport key, in order.
Result<std::vector<election::TransportKey>> ReadTransportKeys(const TrusteeArgs& a, uint32_t trustees) {
  std::vector<election::TransportKey> keys;
  for (uint32_t j = 1; j <= trustees; ++j) {
    const std::string path = PathOf(a, "trustee-" + Num(j) + ".pub.json");
    ASSIGN_OR_RETURN(std::string text, ReadInputFile(path, kMaxTrusteeFileBytes));
    auto key = election::ParsePublicTransportKey(text);
    if (!key.ok()) return InvalidArgument(path + ": " + key.status().message());
    if (key->trustee != j) return InvalidArgument(path + " is trustee " + Num(key->trustee) + "'s key");
    keys.push_back(*key);
  }
  return keys;
}

// This trustee's own transport key pair, which must be the one it published.
Result<election::TransportKey> OwnTransportKey(const TrusteeArgs& a, const election::Manifest& m,
                                               const std::vector<election::TransportKey>& published,
                                               const std::string& passphrase) {
  const std::string& key_path = a.key;
  ASSIGN_OR_RETURN(std::string sealed, ReadSecretFile(key_path));
  ASSIGN_OR_RETURN(election::TransportKey own, election::OpenTransportKey(sealed, m.hash, passphrase));
  if (own.trustee != a.trustee || own.public_key != published.at(a.trustee - 1).public_key) {
    return DataLoss(key_path + " is not the key pair whose public half trustee-" + Num(a.trustee) +
                    ".pub.json holds: was that file replaced?");
  }
  return own;
}

Status CheckTrustee(const election::Manifest& m, uint32_t trustee) {
  if (trustee < 1 || trustee > m.trustees) {
    return InvalidArgument("--trustee is 1 to " + Num(m.trustees) + " for this election");
  }
  return OkStatus();
}

// Step 1: a transport key pair; the public half to publish, the secret half sealed.
Status Keys(const TrusteeArgs& a) {
  ASSIGN_OR_RETURN(election::Manifest m, ReadManifest(a.manifest));
  RETURN_IF_ERROR(CheckTrustee(m, a.trustee));
  const std::string& key_path = a.key;
  // The secret half stays with its trustee: never in the directory that goes round.
  RETURN_IF_ERROR(KeptApart(a, key_path, "--key", "the sealed secret half"));
  RETURN_IF_ERROR(NotOverwriting(key_path, a.force));
  ASSIGN_OR_RETURN(std::string passphrase, Passphrase(a.trustee));
  election::TransportKey key = election::NewTransportKey(a.trustee);
  ASSIGN_OR_RETURN(std::string sealed, election::SealTransportKey(key, m.hash, passphrase, CostOf(a.kdf)));
  std::error_code ec;
  const auto key_dir = std::filesystem::absolute(key_path).parent_path();
  if (!std::filesystem::exists(key_dir, ec)) RETURN_IF_ERROR(MakePrivateDirectory(key_dir.string()));
  RETURN_IF_ERROR(WriteFileAtomic(key_path, sealed, /*secret=*/true));
  RETURN_IF_ERROR(WriteFileAtomic(PathOf(a, "trustee-" + Num(a.trustee) + ".pub.json"),
                                  election::PublicTransportKeyJson(key), /*secret=*/false));
  key.secret_key.assign(key.secret_key.size(), '\0');
  std::printf("trustee %u: transport key made; give trustee-%u.pub.json to the other trustees\n", a.trustee, a.trustee);
  std::printf("its fingerprint: %s (read it out to the others)\n",
              election::TransportKeysFingerprint(std::span(&key, 1)).c_str());
  return OkStatus();
}

// Step 2: a polynomial, its commitments with proofs, and a sealed share for every
// trustee (this one included); the polynomial is forgotten when the step ends.
Status Commit(const TrusteeArgs& a) {
  ASSIGN_OR_RETURN(election::Manifest m, ReadManifest(a.manifest));
  RETURN_IF_ERROR(CheckTrustee(m, a.trustee));
  const std::string commitments_path = PathOf(a, "commitments-" + Num(a.trustee) + ".json");
  RETURN_IF_ERROR(NotOverwriting(commitments_path, a.force));
  ASSIGN_OR_RETURN(std::vector<election::TransportKey> recipients, ReadTransportKeys(a, m.trustees));
  // Nothing is sealed to a key the trustees have not agreed on: a key swapped on its way
  // would otherwise receive a share before anyone could notice.
  const std::string fingerprint = election::TransportKeysFingerprint(recipients);
  if (fingerprint != a.expect_keys) {
    return FailedPrecondition("the transport keys in " + a.dir + " have fingerprint " + fingerprint + ", not " +
                              a.expect_keys + " as agreed: a key was replaced, or is not the one read out");
  }
  ASSIGN_OR_RETURN(std::string passphrase, Passphrase(a.trustee));
  ASSIGN_OR_RETURN(election::TransportKey own, OwnTransportKey(a, m, recipients, passphrase));
  const election::Polynomial f = election::NewPolynomial(m.threshold);
  const election::TrusteeCommitments commitments = election::Commit(m.hash, a.trustee, f);
  for (const auto& to : recipients) {
    ASSIGN_OR_RETURN(std::string box, election::SealShareBox(m.hash, own, to, f.At(to.trustee)));
    RETURN_IF_ERROR(WriteFileAtomic(PathOf(a, "share-" + Num(a.trustee) + "-to-" + Num(to.trustee) + ".json"), box,
                                    /*secret=*/false));
  }
  // The commitments last: their file says this step is done.
  RETURN_IF_ERROR(WriteFileAtomic(commitments_path, election::CommitmentsFileJson(commitments), /*secret=*/false));
  std::printf("trustee %u: %u commitments and %u sealed shares written; send share-%u-to-J.json to trustee J\n",
              a.trustee, m.threshold, m.trustees, a.trustee);
  return OkStatus();
}

// Between steps 1 and 2: the fingerprint of every trustee's key and of all of them, for
// the trustees to read out to each other before anyone commits.
Status Fingerprint(const TrusteeArgs& a) {
  ASSIGN_OR_RETURN(election::Manifest m, ReadManifest(a.manifest));
  ASSIGN_OR_RETURN(std::vector<election::TransportKey> keys, ReadTransportKeys(a, m.trustees));
  for (const auto& k : keys) {
    std::printf("trustee %u: %s\n", k.trustee, election::TransportKeysFingerprint(std::span(&k, 1)).c_str());
  }
  std::printf("all %u: %s (give it to commit as --expect-keys once every trustee has read out theirs)\n", m.trustees,
              election::TransportKeysFingerprint(keys).c_str());
  return OkStatus();
}

// Step 3: every trustee's commitments checked, the shares sent to this trustee opened and
// checked against them, the key share x_j sealed; ceremony.json and the election key.
Status Finish(const TrusteeArgs& a, const std::string& out) {
  ASSIGN_OR_RETURN(election::Manifest m, ReadManifest(a.manifest));
  RETURN_IF_ERROR(CheckTrustee(m, a.trustee));
  RETURN_IF_ERROR(KeptApart(a, out, "--out", "the sealed key share"));
  RETURN_IF_ERROR(NotOverwriting(out, a.force));
  ASSIGN_OR_RETURN(std::vector<election::TransportKey> published, ReadTransportKeys(a, m.trustees));
  ASSIGN_OR_RETURN(std::string passphrase, Passphrase(a.trustee));
  ASSIGN_OR_RETURN(election::TransportKey own, OwnTransportKey(a, m, published, passphrase));
  std::vector<election::TrusteeCommitments> ceremony;
  election::Scalar share;
  for (uint32_t i = 1; i <= m.trustees; ++i) {
    const std::string path = PathOf(a, "commitments-" + Num(i) + ".json");
    ASSIGN_OR_RETURN(std::string text, ReadInputFile(path, kMaxTrusteeFileBytes));
    auto parsed = election::ParseCommitmentsFile(text);
    if (!parsed.ok()) return InvalidArgument(path + ": " + parsed.status().message());
    if (parsed->trustee != i)
      return InvalidArgument(path + " holds trustee " + Num(parsed->trustee) + "'s commitments");
    election::TrusteeCommitments c = std::move(*parsed);
    if (Status st = election::VerifyCommitments(m.hash, m.threshold, c); !st.ok()) {
      return InvalidArgument(path + ": " + st.message());
    }
    const std::string box_path = PathOf(a, "share-" + Num(i) + "-to-" + Num(a.trustee) + ".json");
    ASSIGN_OR_RETURN(std::string box, ReadInputFile(box_path, kMaxTrusteeFileBytes));
    auto from_i = election::OpenShareBox(box, m.hash, published[i - 1], own);
    if (!from_i.ok()) return Status(from_i.status().code(), box_path + ": " + from_i.status().message());
    if (Status st = election::VerifyShare(c, a.trustee, *from_i); !st.ok()) {
      return DataLoss(box_path + ": " + st.message() + "; ask trustee " + Num(i) + " to run commit again");
    }
    share = share + *from_i;
    ceremony.push_back(std::move(c));
  }
  const std::string ceremony_json = election::CeremonyToJson(ceremony);
  const std::string ceremony_path = PathOf(a, "ceremony.json");
  if (auto existing = ReadFile(ceremony_path); existing.ok() && *existing != ceremony_json) {
    return DataLoss(ceremony_path +
                    " differs from the commitments this trustee checked: trustees saw different "
                    "commitments; stop the ceremony");
  }
  RETURN_IF_ERROR(WriteFileAtomic(ceremony_path, ceremony_json, /*secret=*/false));
  ASSIGN_OR_RETURN(std::string sealed_share,
                   election::SealKeyShare(m.hash, a.trustee, share, passphrase, CostOf(a.kdf)));
  RETURN_IF_ERROR(WriteFileAtomic(out, sealed_share, /*secret=*/true));
  const election::Point key = election::ElectionKey(ceremony);
  const riik::Digest ceremony_hash = Sha256(ceremony_json);
  std::printf("trustee %u: every commitment and every share to this trustee checks; key share sealed in %s\n",
              a.trustee, out.c_str());
  std::printf("the transport keys used: %s\n", election::TransportKeysFingerprint(published).c_str());
  std::printf("ceremony.json: %s (compare with the other trustees: every trustee must see the same)\n",
              DigestHex(ceremony_hash).c_str());
  std::printf("election key: %s\n", Base64Encode(key.Bytes()).c_str());
  return OkStatus();
}

// A trustee's part of the tally, from the record's board as the record proves it.
Status Decrypt(const TrusteeArgs& a, const std::string& record, const std::string& root_path,
               const std::string& key_share_path, const std::string& out) {
  ASSIGN_OR_RETURN(UniquePtr<X509> root, ReadCertificatePemFile(root_path));
  ASSIGN_OR_RETURN(election::RecordReport counted, election::CountRecord(record, root.get()));
  RETURN_IF_ERROR(CheckTrustee(counted.manifest, a.trustee));
  ASSIGN_OR_RETURN(std::string sealed, ReadSecretFile(key_share_path));
  ASSIGN_OR_RETURN(std::string passphrase, Passphrase(a.trustee));
  ASSIGN_OR_RETURN(election::Scalar share,
                   election::OpenKeyShare(sealed, counted.manifest.hash, a.trustee, passphrase));
  ASSIGN_OR_RETURN(election::TrusteeDecryption d,
                   election::DecryptAsTrustee(counted.manifest, counted.ceremony, counted.count, a.trustee, share));
  RETURN_IF_ERROR(WriteFileAtomic(out, election::TrusteeDecryptionToJson(d), /*secret=*/false));
  std::printf("trustee %u: decrypted the sums of %llu counted ballots, each part with its proof: %s\n", a.trustee,
              static_cast<unsigned long long>(counted.count.counted), out.c_str());
  return OkStatus();
}

// The tally from the trustees' parts, written into the record.
Status Tally(const std::string& record, const std::string& root_path, const std::vector<std::string>& parts) {
  ASSIGN_OR_RETURN(UniquePtr<X509> root, ReadCertificatePemFile(root_path));
  ASSIGN_OR_RETURN(election::RecordReport counted, election::CountRecord(record, root.get()));
  std::vector<election::TrusteeDecryption> decryptions;
  for (const auto& path : parts) {
    ASSIGN_OR_RETURN(std::string text, ReadInputFile(path, kMaxDecryptionPartBytes));
    auto d = election::ParseTrusteeDecryption(text);
    if (!d.ok()) return InvalidArgument(path + ": " + d.status().message());
    decryptions.push_back(std::move(*d));
  }
  ASSIGN_OR_RETURN(election::Tally tally,
                   election::CombineTally(counted.manifest, counted.ceremony, counted.count, decryptions));
  RETURN_IF_ERROR(WriteFileAtomic(record + "/tally.json", election::TallyToJson(tally), /*secret=*/false));
  std::printf("tally.json written from %zu trustees' parts; check it: riik vote verify %s --ca %s\n", parts.size(),
              record.c_str(), root_path.c_str());
  return OkStatus();
}

void TrusteeOptions(CLI::App* c, TrusteeArgs& a, bool manifest) {
  if (manifest) {
    c->add_option("--manifest", a.manifest, "The election's manifest.json")->required();
    c->add_flag("--force", a.force, "Replace the files an earlier run of this step wrote");
  }
  c->add_option("--trustee", a.trustee, "This trustee's number, 1 to n")->required();
}

void KeyOption(CLI::App* c, TrusteeArgs& a) {
  c->add_option("--key", a.key,
                "This trustee's transport key, its secret half sealed under the passphrase (keys writes it): "
                "keep it with you, outside --dir")
      ->required();
}

}  // namespace

void AddVoteCeremonyCommands(CLI::App* vote, int& exit_code) {
  CLI::App* cer = vote->add_subcommand("ceremony", "The key ceremony, one step per trustee");
  cer->require_subcommand(1);
  cer->footer(
      "Each trustee runs each step on its own machine; the files in --dir go between them.\n"
      "The passphrase is asked on the terminal (or RIIK_TRUSTEE_PASSPHRASE).\n"
      "This trustee's sealed transport key (--key) stays with it, outside --dir.\n"
      "  riik vote ceremony keys   --manifest manifest.json --trustee 1 --dir ceremony/ --key private/transport.json\n"
      "  riik vote ceremony fingerprint --manifest manifest.json --dir ceremony/   # after every keys; read it out\n"
      "  riik vote ceremony commit --manifest manifest.json --trustee 1 --dir ceremony/ --key private/transport.json "
      "\\\n"
      "      --expect-keys FINGERPRINT\n"
      "  riik vote ceremony finish --manifest manifest.json --trustee 1 --dir ceremony/ --key private/transport.json "
      "\\\n"
      "      --out private/key-share-1.json");
  auto keys = std::make_shared<TrusteeArgs>();
  CLI::App* k = cer->add_subcommand("keys", "Make this trustee's transport key (its secret half sealed)");
  TrusteeOptions(k, *keys, true);
  KeyOption(k, *keys);
  k->add_option("--dir", keys->dir, "Where the ceremony's files are")->capture_default_str();
  k->add_option("--kdf", keys->kdf, "Argon2id's limits: moderate, or interactive for demos")
      ->check(CLI::IsMember({"moderate", "interactive"}))
      ->capture_default_str();
  k->callback([keys, &exit_code] {
    if (Status st = Keys(*keys); !st.ok()) exit_code = Fail("vote ceremony", "keys", st);
  });
  auto print = std::make_shared<TrusteeArgs>();
  CLI::App* fp = cer->add_subcommand("fingerprint", "Print every trustee's transport key fingerprint, and all of them");
  fp->add_option("--manifest", print->manifest, "The election's manifest.json")->required();
  fp->add_option("--dir", print->dir, "Where the ceremony's files are")->capture_default_str();
  fp->callback([print, &exit_code] {
    if (Status st = Fingerprint(*print); !st.ok()) exit_code = Fail("vote ceremony", "fingerprint", st);
  });
  auto commit = std::make_shared<TrusteeArgs>();
  CLI::App* c = cer->add_subcommand("commit", "Publish commitments and seal a share for every trustee");
  TrusteeOptions(c, *commit, true);
  KeyOption(c, *commit);
  c->add_option("--dir", commit->dir, "Where the ceremony's files are")->capture_default_str();
  c->add_option("--expect-keys", commit->expect_keys,
                "The fingerprint of all transport keys (`fingerprint`), as the trustees agreed out of band")
      ->required();
  c->callback([commit, &exit_code] {
    if (Status st = Commit(*commit); !st.ok()) exit_code = Fail("vote ceremony", "commit", st);
  });
  auto finish = std::make_shared<TrusteeArgs>();
  auto out = std::make_shared<std::string>();
  CLI::App* f = cer->add_subcommand("finish", "Check everyone's commitments and shares; seal this trustee's key share");
  TrusteeOptions(f, *finish, true);
  KeyOption(f, *finish);
  f->add_option("--dir", finish->dir, "Where the ceremony's files are")->capture_default_str();
  f->add_option("--out", *out, "The sealed key share to keep")->required();
  f->add_option("--kdf", finish->kdf, "Argon2id's limits: moderate, or interactive for demos")
      ->check(CLI::IsMember({"moderate", "interactive"}))
      ->capture_default_str();
  f->callback([finish, out, &exit_code] {
    if (Status st = Finish(*finish, *out); !st.ok()) exit_code = Fail("vote ceremony", "finish", st);
  });

  auto dec = std::make_shared<TrusteeArgs>();
  auto record = std::make_shared<std::string>(), root = std::make_shared<std::string>(),
       share = std::make_shared<std::string>(), part = std::make_shared<std::string>();
  CLI::App* d = vote->add_subcommand("decrypt", "A trustee's part of the tally, from the record's board");
  d->add_option("record", *record, "The election record's directory")->required();
  TrusteeOptions(d, *dec, false);
  d->add_option("--ca", *root, "The state root certificate")->required();
  d->add_option("--key-share", *share, "This trustee's sealed key share")->required();
  d->add_option("--out", *part, "Where to write the part")->required();
  d->callback([=, &exit_code] {
    if (Status st = Decrypt(*dec, *record, *root, *share, *part); !st.ok()) exit_code = Fail("vote", "decrypt", st);
  });

  auto tally_record = std::make_shared<std::string>(), tally_root = std::make_shared<std::string>();
  auto parts = std::make_shared<std::vector<std::string>>();
  CLI::App* t = vote->add_subcommand("tally", "Combine at least the threshold of trustees' parts into tally.json");
  t->add_option("record", *tally_record, "The election record's directory")->required();
  t->add_option("--ca", *tally_root, "The state root certificate")->required();
  t->add_option("--part", *parts, "A trustee's part (repeat)")->required();
  t->callback([=, &exit_code] {
    if (Status st = Tally(*tally_record, *tally_root, *parts); !st.ok()) exit_code = Fail("vote", "tally", st);
  });
}

}  // namespace riik::cli
