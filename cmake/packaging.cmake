# Debian packages: `cpack -G DEB` in a build configured with -DCMAKE_INSTALL_PREFIX=/usr builds
#   nutpp      daemons, clients, plugins, systemd units, udev rule, man pages, /etc/nutpp (conffiles)
#   nutpp-dev  the SDK (headers, CMake package, pkg-config file, examples) = install component "sdk"
# tests/packaging/deb_test.sh builds, lints, installs (in a throwaway overlay root), uses and purges them.
set(_pkg_dir "${PROJECT_SOURCE_DIR}/packaging/debian")

# Documentation every Debian package carries.
set(_doc_out "${CMAKE_BINARY_DIR}/packaging")
configure_file("${_pkg_dir}/changelog" "${_doc_out}/changelog" @ONLY)
add_custom_command(OUTPUT "${_doc_out}/changelog.gz"
  COMMAND gzip -9nf -k "${_doc_out}/changelog"
  DEPENDS "${_doc_out}/changelog" "${_pkg_dir}/changelog")
add_custom_target(nutpp_package_docs ALL DEPENDS "${_doc_out}/changelog.gz")
install(FILES "${_pkg_dir}/copyright" "${_doc_out}/changelog.gz" DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/nutpp)
install(FILES "${_pkg_dir}/copyright" "${_doc_out}/changelog.gz" DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/nutpp-dev
        COMPONENT sdk)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME nutpp)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT "nutpp maintainers <maintainers@users.noreply.r-seed-aa026430.example>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL Unspecified sdk)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://networkupstools.org/")

set(CPACK_DEBIAN_UNSPECIFIED_PACKAGE_NAME nutpp)
set(CPACK_DEBIAN_UNSPECIFIED_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_UNSPECIFIED_PACKAGE_DEPENDS "adduser")
# Same program names as NUT's (upsd, upsmon, upsc ...): one or the other.
set(CPACK_DEBIAN_UNSPECIFIED_PACKAGE_CONFLICTS "nut-server, nut-client")
# First line: the synopsis; CPack indents the rest as the extended description.
set(CPACK_DEBIAN_UNSPECIFIED_DESCRIPTION
  "UPS monitoring and safe shutdown (Network UPS Tools as C++ plugins)
nutpp monitors uninterruptible power supplies and shuts computers down safely,
speaking the NUT network protocol so NUT clients keep working. It ships the
daemons (upsdrvd, upsd, upsmon), the clients (upsc, upscmd, upsrw), the
nutpp launcher with `nutpp import` for existing NUT configurations and
`nutpp scan`, and the usbhid, serial, snmp, modbus and sim driver plugins.
No service is enabled on installation.")
set(CPACK_DEBIAN_UNSPECIFIED_PACKAGE_CONTROL_EXTRA
  "${_pkg_dir}/postinst;${_pkg_dir}/prerm;${_pkg_dir}/postrm;${_pkg_dir}/conffiles")

set(CPACK_DEBIAN_SDK_PACKAGE_NAME nutpp-dev)
set(CPACK_DEBIAN_SDK_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_SDK_PACKAGE_ARCHITECTURE amd64)
set(CPACK_DEBIAN_SDK_PACKAGE_DEPENDS "nutpp (= ${PROJECT_VERSION})")
# libnutpp-testhost.so.1 is a shared library: a shlibs file and the ldconfig trigger (Debian policy 8.6).
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)   # no per-package switch in CPack
set(CPACK_DEBIAN_SDK_PACKAGE_CONTROL_EXTRA "${_pkg_dir}/sdk/triggers")
set(CPACK_DEBIAN_SDK_DESCRIPTION
  "SDK for nutpp driver plugins
Headers (the C ABI and a C++ helper), the plugin-support library, a CMake
package (find_package(nutpp-sdk)), a pkg-config file and example plugins for
writing nutpp driver plugins.")

include(CPack)
