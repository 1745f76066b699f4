#include <gtest/gtest.h>

#include "usb_match.hpp"

using namespace nutpp::usbhid;

TEST(UsbMatcher, RegexesMatchWholeValuesCaseInsensitively) {
    UsbDeviceInfo d{0x0764, 0x0501, "CPS", "CP1000AVRLCD", "CRMLV2000234", "001", "002", "1-2"};
    UsbMatcher m;
    m.add("vendorid", "0764");
    m.add("productid", "050[0-9]");
    m.add("product", "cp1000.*");
    EXPECT_TRUE(m.matches(d));
    EXPECT_TRUE(m.needs_strings());
    m.add("serial", "CRMLV2000234");
    EXPECT_TRUE(m.matches(d));
    d.serial = "CRMLV2000235";
    EXPECT_FALSE(m.matches(d));
    EXPECT_TRUE(m.matches_ids(d)); // strings are not looked at before opening
}

TEST(UsbMatcher, BusDeviceAndPortTellIdenticalUpsesApart) {
    UsbDeviceInfo a{0x0764, 0x0501, "", "", "", "001", "002", "1-2"};
    UsbDeviceInfo b = a;
    b.device = "003";
    b.busport = "1-3";
    UsbMatcher m;
    m.add("busport", "1-3");
    EXPECT_FALSE(m.matches(a));
    EXPECT_TRUE(m.matches(b));
    UsbMatcher n;
    n.add("bus", "001");
    n.add("device", "00[23]");
    EXPECT_TRUE(n.matches(a) && n.matches(b));
    EXPECT_EQ(n.describe(), "bus=001 device=00[23]");
}

TEST(UsbMatcher, BadRegexNamesTheKey) {
    UsbMatcher m;
    try {
        m.add("serial", "([");
        FAIL();
    } catch (const std::invalid_argument &e) {
        EXPECT_NE(std::string(e.what()).find("serial"), std::string::npos);
    }
}
