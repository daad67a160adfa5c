// The driver's flag parser follows Go's flag package: forms, booleans, termination, errors.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "driver/flags.h"

namespace gostack::driver {
namespace {

struct Parsed {
  bool S = false;
  std::string o;
  std::vector<std::string> I;
};

FlagSet make(Parsed& p) {
  FlagSet fs;
  fs.add_bool("S", "listing", [&p](std::string_view v) {
    return parse_go_bool(v, p.S) ? std::string() : std::string("parse error");
  });
  fs.add_value("o", "string", "output", [&p](std::string_view v) {
    p.o = std::string(v);
    return std::string();
  });
  fs.add_value("I", "value", "include", [&p](std::string_view v) {
    p.I.emplace_back(v);
    return std::string();
  });
  return fs;
}

TEST(DriverFlags, GoForms) {
  Parsed p;
  FlagSet fs = make(p);
  ASSERT_TRUE(fs.parse({"-S", "--o=x.o", "-I", "a", "-I=b", "--I", "c", "f.s", "-S", "g.s"}));
  EXPECT_TRUE(p.S);
  EXPECT_EQ(p.o, "x.o");
  EXPECT_EQ(p.I, (std::vector<std::string>{"a", "b", "c"}));
  // Flags end at the first non-flag argument: the later -S is a file name.
  EXPECT_EQ(fs.positional(), (std::vector<std::string>{"f.s", "-S", "g.s"}));
}

TEST(DriverFlags, BooleansTakeNoSeparateValue) {
  Parsed p;
  FlagSet fs = make(p);
  ASSERT_TRUE(fs.parse({"-S=false", "true"}));
  EXPECT_FALSE(p.S);
  EXPECT_EQ(fs.positional(), std::vector<std::string>{"true"});
  ASSERT_TRUE(fs.parse({"-S=T"}));
  EXPECT_TRUE(p.S);
}

TEST(DriverFlags, DoubleDashEndsFlagsAndSingleDashIsAFile) {
  Parsed p;
  FlagSet fs = make(p);
  ASSERT_TRUE(fs.parse({"--", "-S"}));
  EXPECT_FALSE(p.S);
  EXPECT_EQ(fs.positional(), std::vector<std::string>{"-S"});
  ASSERT_TRUE(fs.parse({"-", "x"}));
  EXPECT_EQ(fs.positional(), (std::vector<std::string>{"-", "x"}));
}

TEST(DriverFlags, ErrorsUseGoWording) {
  Parsed p;
  FlagSet fs = make(p);
  EXPECT_FALSE(fs.parse({"-zz", "f.s"}));
  EXPECT_EQ(fs.error(), "flag provided but not defined: -zz");
  EXPECT_FALSE(fs.parse({"-o"}));
  EXPECT_EQ(fs.error(), "flag needs an argument: -o");
  EXPECT_FALSE(fs.parse({"-S=maybe"}));
  EXPECT_EQ(fs.error(), "invalid boolean value \"maybe\" for -S: parse error");
  EXPECT_FALSE(fs.parse({"---S"}));
  EXPECT_EQ(fs.error(), "bad flag syntax: ---S");
  EXPECT_FALSE(fs.parse({"-=x"}));
  EXPECT_EQ(fs.error(), "bad flag syntax: -=x");
  // -h and -help are not flags: parse fails with no message, the caller prints the usage.
  EXPECT_FALSE(fs.parse({"-help"}));
  EXPECT_EQ(fs.error(), "");
}

TEST(DriverFlags, DefaultsInGoLayout) {
  Parsed p;
  FlagSet fs = make(p);
  EXPECT_EQ(fs.defaults(),
            "  -I value\n    \tinclude\n"
            "  -S\tlisting\n"
            "  -o string\n    \toutput\n");
}

}  // namespace
}  // namespace gostack::driver
