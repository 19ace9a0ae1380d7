#!/usr/bin/env node
console.log("herve");
