{
  "targets": [
    {
      "target_name": "radstudy_native",
      "sources": ["src/radiomics.c"],
      "cflags": ["-O3", "-ffp-contract=off", "-fno-fast-math", "-std=c11", "-Wall", "-Wextra", "-Wno-unused-parameter", "-Werror=implicit-int", "-Werror=implicit-function-declaration"],
      "xcode_settings": {
        "OTHER_CFLAGS": ["-O3", "-ffp-contract=off", "-fno-fast-math", "-std=c11"]
      },
      "msvs_settings": { "VCCLCompilerTool": { "AdditionalOptions": ["/fp:precise"] } },
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
