#include "host/util/sha256.hpp"

#include "host/util/regular_file.hpp"

#include <openssl/evp.h>
#include <array>
#include <memory>

namespace rig::util {

std::string sha256_of_bytes(std::span<const std::uint8_t> bytes) {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) return {};
    if (EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size()) != 1) return {};
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(ctx.get(), digest.data(), &length) != 1) return {};
    static constexpr char digits[] = "0123456789abcdef";
    std::string hex;
    for (unsigned i = 0; i < length; ++i) {
        hex += digits[digest[i] >> 4];
        hex += digits[digest[i] & 0xF];
    }
    return hex;
}

std::string sha256_of_file(const std::filesystem::path& file, std::size_t max_bytes) {
    auto bytes = read_regular_file(file, max_bytes);
    return bytes ? sha256_of_bytes(*bytes) : std::string();
}

}  // namespace rig::util
