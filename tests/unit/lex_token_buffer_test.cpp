// Tests of lex::TokenBuffer, the preprocessor's token store that copies runs with memcpy.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "lex/token.h"

namespace gostack::lex {
namespace {

TEST(TokenBuffer, AppendsRunsAcrossGrowthAndTruncates) {
  std::vector<std::string> texts;
  for (int i = 0; i < 100; ++i) {
    // Appended, not "t" + to_string(i): GCC 12 misreports that with -Wrestrict at -O3.
    std::string t = "t";
    t += std::to_string(i);
    texts.push_back(std::move(t));
  }
  std::vector<Token> src;
  for (int i = 0; i < 100; ++i) src.push_back(Token{tok::kIdent, texts[static_cast<size_t>(i)]});

  TokenBuffer buf;
  buf.push_back(Token{',', ","});
  buf.append(src.data(), src.data());  // an empty run adds nothing
  buf.append(src.data(), src.data() + 10);
  buf.append(src.data() + 10, src.data() + 100);  // grows past its capacity
  ASSERT_EQ(buf.size(), 101u);
  EXPECT_GE(buf.capacity(), 101u);
  EXPECT_EQ(buf[0].kind, ',');
  for (size_t i = 0; i < 100; ++i) {
    EXPECT_EQ(buf[i + 1].kind, tok::kIdent);
    EXPECT_EQ(buf[i + 1].text, texts[i]);
  }
  buf.truncate(3);
  buf.push_back(Token{tok::kInt, "7"});
  ASSERT_EQ(buf.size(), 4u);
  EXPECT_EQ(buf[2].text, "t1");
  EXPECT_EQ(buf[3].text, "7");
  buf.clear();
  EXPECT_EQ(buf.size(), 0u);
}

}  // namespace
}  // namespace gostack::lex
