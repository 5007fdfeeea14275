// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {FerrumTestBase} from "../_Shared.t.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Blake2s} from "../../../../../../contracts/common/libraries/Blake2s.sol";
import {
    StateTreeExodusVerifier
} from "../../../../../../contracts/state-transition/verifiers/StateTreeExodusVerifier.sol";
import {
    UnimplementedExodusVerifier
} from "../../../../../../contracts/state-transition/verifiers/UnimplementedExodusVerifier.sol";
import {IExecutor} from "../../../../../../contracts/state-transition/chain-interfaces/IExecutor.sol";
import {ETH_TOKEN_ADDRESS} from "../../../../../../contracts/common/Config.sol";
import "../../../../../../contracts/common/L1ContractErrors.sol";

contract Blake2sHarness {
    function hash(bytes memory _d) external pure returns (bytes32) {
        return Blake2s.hash(_d);
    }
}

/// @dev Vectors from test/vectors/state_tree_vector.py (Python hashlib, independent of this code), generated with
/// `python3 test/vectors/state_tree_vector.py <keccak256(abi.encode(alice, 0))> <keccak256(abi.encode(bob, 0))>`.
contract StateTreeExodusVerifierTest is FerrumTestBase {
    bytes32 constant ROOT = 0xe1ba5cc76bd0cd9bd930f6d9eef4cf454e98ff7224b0bc7c3008764169e2ad8c;
    bytes32 constant COMMITMENT = 0x8a48c357408772aa10177feda52b1f3ae49f147698b5985148828760b3a85e53;
    bytes32 constant ACCOUNT_KEY = 0x1df19be6e61b7b4be93f8c6e680894c3a0d296463834002c6d85e68fc5edf82b;
    bytes constant SIBLINGS =
        hex"e3cdc93b3c2beb30f6a7c7cc45a32da012df9ae1be880e2c074885cb3f4e1e53a87e1e46b7a8eb751a1e0479a8e0d7e383dc81a6c48980943551c3328fe73aec6494c26aef108cefd4af645099311b34f8e28c3941f3a50d83c5ef4d806d302a7e33ae2bae08165296b0f1bc86ab239d40182c75b1aa49b3a457c9af2d140ac9361e83fb81447385704a04b701acaf2b462a69cf83af3fec52d432c5cb26afeb3453a4da3fbe780699501f72d3b67a24f281fa51f74d735961e3c527a0947ed201306a1c828e76a1121b4097bcb1d35ad36dee1c4736d7b42d439d8893362134c717122072da764d773fa315dcdfdab987308adfd3dd1e8730a965bef95eb64eaeeaa76244fb460dfed609137be3c1024581e41389413f344d53f34757f6319d8a02802f44bc6f7d06fe4e761495a401a2831f4865841289c56bb72dd5ce0486f00a51e8cf5122a341df0627a199d49df33af67683847b90dd7f5229607d433d50960aa6c8a93380c75a94ebcd104f71b48d0b1ba5ccac650461fed7c1a90b47f92dd16857fbf4d867aa6a28e588685b6c3cf3d3c3e56b9198e86e359efc3456efbe0b681a1e1d77f7f6f870dd7c7c9e743cc7655123086b2928bec88841ab0e71f012aa3ac80fc8efc47bb930d814d5025470c43975f1bcfcf56f475d29e0327f6ca50a2f4bec35ab931d992914ff8032a9926973db5a04254b650cc138044bd512fa549c482e316488e1df5645c52c3fd82d37bc72ee481d5055866376b343250432ebaa8ac771ecd44a30b7366516240b8fece3b327c36f0164009afda680daa90aae20c1067bb6a6ec2fd7f28f8f72eb5b14fcdf041ac8257a88bbee6e6a5f761f0fcccfb5d7710947462656eac07cef89ab0e8e2ec22033644002446011e2cbc2649b5a2ae4e71d37aa9dd808eb3dc01d07a56cbac68866040123d1e3215d939474aba84cb02df3dbccce0e41e577ddf53cb9a238098ab178339f54a644bb96a6d325aed3053acb4a0cb6d7c6fead87bcefd2444103345ee5cb796778db04de11061d5178c14c9739ba0ca50ca23645c23893effeaba79573856dcd9a8d45bec4898eb08ccb86eb4d44f56a8d8c899075ce4ffc0cdc3a6bf1123bbfdb68a6f5643d2a1cd82261eab0489cd778d85bc4aed0d75cf60678ae5b2e3bcf5056292193f796879566c8cb80e46bf003be5922e153ff0656e4e1ca28ca9b997aad5a483255eed65181b6b1a0f04b0485858fe7b10438eb022b1c89905581f5d9b6c470726ce544bd7c739534ce6f413bebbda3cd9da76e4e5f7821689efd163ded953b63ef7b1408761d2e8c49c9520cde0ed174c9f81cf8d2750efec59be26691cf20d03ec503278240483bbc3b086349a71f5f2d398b35d9bfa21a6aded16213cf73dcde7d2b782ab922d5d5b051968539267aa3e199315a414f291100a12d4008a3ba568fbf54b2ef15b2f3811edd6d97ee910bba42aee7a64be2d697cf481221a0be1fa39e675472e32665a2c9bfbe6801533609818faab4433d67cb063d579523d7515bb23672b4dafc6cee2d42e40e83df250b056fd313ce233ed6b0d6a8bba04616fc8ba3aabc142e93327c74ad74bcd83e850065305c7d4fc11cf5eb3f720ba87948687df03d3e16c799344a068cf0b4624d65cc081524bfbb52cfc0222258e06f60a5cf6ba859b826a600371909e71bea46f3f58d53034d5101587b49630c5f49985347aeccb2caca57160a9ea334622f00963c99103e225d602da653883938880af25b88f6e725ddd4d755cf512492c7a13c72673d6ab9490edeae7c3ec82e88bc94126b51eb5191415de92e1f2630fa200e30bfbd72edb686281b7ecf9cc32202c1b922b8ca99eb1ecd296bd071afd45f7ad8483ce908ece85d5acdc2eabc43bf31148d063f0225d2d72367ad320c24df15038193c51afa7b037f1b8597faf6c408128e55e0774ee9aad1b6296eee3bbad2339096ac90da1232608c288d47fc4eb1c34c0de470811f7a05772b5f0505109f9cc08951b54ed73d3258671c1c72be1b30c4e13c0be50a4ece865b26628ecd039286d7244ab1a6fe123c258aa28235eb7f2c59ba5afed4820a0594fcb3799fe4888e1a355a0cf807af97cec5b7a53d7715216f08ba56d139de6dba77059d94c75f03d41ccca6546c214fd6a32278aecae9016ec1a3c7f8735298f51384f21555260d0e8577768b88c3e35640e169ea7269dcf641519cfd89dcc0d8f398eb944a4038109f5baca99fc81dd6f81d7549148f6f8a11eb4a39c85c2fe4d1d14607d044bda2d66cc6cad0235b023010cd7b690e26baacfa197343d432175c3e3359723bd8c2f370784d2f4067f5f46f88ac33193f9b9eca7072ee83999b423795ad9ca51475625e9b3afc38568e3314333549e8bc6440ff3e2458f69bfc10c015514810a2621a7b0ae65279f477a8f2cadfc093c19606d8a012d840661bcd8e45dde69710deeab4faca331ad6fedaa3b273bd49922a29bc01f636e8aa53b3ffec87680bb3355509920ac8f21c2a0ffe0b30bbebb8648153a79f2993fc5d8e277b78515d4ed6afde17909fdd1c93a5635311fe641f7325ba156469cf888e2bfb71affc6943cb3ef3c91ff2f935b6ad1fe5555e4a07e39f2e03770de2c327d2086277ad29b65c32beb9b0cd302451bc598c43c42208d43b2e5492f321d43eb3fcedc8b0a4d2a9fa31c42f0894a1641ceb828b8ab1b675a2b851f5149221dc2794959e9940bb34a9803a07a288aa45a31ff359136bd8df34a4f17ba82b2782eda77c38622b8e8d5af7bce197908aafea761dafb1f8a66cec928eca614cc424afaa0582939a1727f531782e7afd32b720fe53e6bd4e997d967b8649e10036802a4fd3aca6d7dcc43ed9671f41cb31";
    bytes32 constant ROOT2 = 0xdfd643d28f8b12fc3b8e0bcaab56a30636e25db9b4fcd6890c4c9a23f8b63af8;
    bytes32 constant COMMITMENT2 = 0x84ed980037ef03b56bbf48b03f7e57379c88a505e55390833fdc6c5fade48627;
    bytes32 constant BALANCE_KEY = 0x17e9979ba9d86fc7ad35b2fd8568fd308e1f44d00fd3ddea3977de0ba3adb931;
    uint64 constant BALANCE_NEXT = 2;
    uint64 constant ALICE_NEXT2 = 4;
    bytes constant SIBLINGS2_BALANCE =
        hex"706d066d8b9b7d5e632ad23df3a6d7561cedf43f0642cdc00ab57060a73b8e8290d4ed842065b4e4fb88a15ef403f17d93c9715667c50e75f20d3f50c9d74d923cb70dce5d6bd78855d72f4ed1ac70e5aaca9b9b5db22f686aced40e5d373eef7e33ae2bae08165296b0f1bc86ab239d40182c75b1aa49b3a457c9af2d140ac9361e83fb81447385704a04b701acaf2b462a69cf83af3fec52d432c5cb26afeb3453a4da3fbe780699501f72d3b67a24f281fa51f74d735961e3c527a0947ed201306a1c828e76a1121b4097bcb1d35ad36dee1c4736d7b42d439d8893362134c717122072da764d773fa315dcdfdab987308adfd3dd1e8730a965bef95eb64eaeeaa76244fb460dfed609137be3c1024581e41389413f344d53f34757f6319d8a02802f44bc6f7d06fe4e761495a401a2831f4865841289c56bb72dd5ce0486f00a51e8cf5122a341df0627a199d49df33af67683847b90dd7f5229607d433d50960aa6c8a93380c75a94ebcd104f71b48d0b1ba5ccac650461fed7c1a90b47f92dd16857fbf4d867aa6a28e588685b6c3cf3d3c3e56b9198e86e359efc3456efbe0b681a1e1d77f7f6f870dd7c7c9e743cc7655123086b2928bec88841ab0e71f012aa3ac80fc8efc47bb930d814d5025470c43975f1bcfcf56f475d29e0327f6ca50a2f4bec35ab931d992914ff8032a9926973db5a04254b650cc138044bd512fa549c482e316488e1df5645c52c3fd82d37bc72ee481d5055866376b343250432ebaa8ac771ecd44a30b7366516240b8fece3b327c36f0164009afda680daa90aae20c1067bb6a6ec2fd7f28f8f72eb5b14fcdf041ac8257a88bbee6e6a5f761f0fcccfb5d7710947462656eac07cef89ab0e8e2ec22033644002446011e2cbc2649b5a2ae4e71d37aa9dd808eb3dc01d07a56cbac68866040123d1e3215d939474aba84cb02df3dbccce0e41e577ddf53cb9a238098ab178339f54a644bb96a6d325aed3053acb4a0cb6d7c6fead87bcefd2444103345ee5cb796778db04de11061d5178c14c9739ba0ca50ca23645c23893effeaba79573856dcd9a8d45bec4898eb08ccb86eb4d44f56a8d8c899075ce4ffc0cdc3a6bf1123bbfdb68a6f5643d2a1cd82261eab0489cd778d85bc4aed0d75cf60678ae5b2e3bcf5056292193f796879566c8cb80e46bf003be5922e153ff0656e4e1ca28ca9b997aad5a483255eed65181b6b1a0f04b0485858fe7b10438eb022b1c89905581f5d9b6c470726ce544bd7c739534ce6f413bebbda3cd9da76e4e5f7821689efd163ded953b63ef7b1408761d2e8c49c9520cde0ed174c9f81cf8d2750efec59be26691cf20d03ec503278240483bbc3b086349a71f5f2d398b35d9bfa21a6aded16213cf73dcde7d2b782ab922d5d5b051968539267aa3e199315a414f291100a12d4008a3ba568fbf54b2ef15b2f3811edd6d97ee910bba42aee7a64be2d697cf481221a0be1fa39e675472e32665a2c9bfbe6801533609818faab4433d67cb063d579523d7515bb23672b4dafc6cee2d42e40e83df250b056fd313ce233ed6b0d6a8bba04616fc8ba3aabc142e93327c74ad74bcd83e850065305c7d4fc11cf5eb3f720ba87948687df03d3e16c799344a068cf0b4624d65cc081524bfbb52cfc0222258e06f60a5cf6ba859b826a600371909e71bea46f3f58d53034d5101587b49630c5f49985347aeccb2caca57160a9ea334622f00963c99103e225d602da653883938880af25b88f6e725ddd4d755cf512492c7a13c72673d6ab9490edeae7c3ec82e88bc94126b51eb5191415de92e1f2630fa200e30bfbd72edb686281b7ecf9cc32202c1b922b8ca99eb1ecd296bd071afd45f7ad8483ce908ece85d5acdc2eabc43bf31148d063f0225d2d72367ad320c24df15038193c51afa7b037f1b8597faf6c408128e55e0774ee9aad1b6296eee3bbad2339096ac90da1232608c288d47fc4eb1c34c0de470811f7a05772b5f0505109f9cc08951b54ed73d3258671c1c72be1b30c4e13c0be50a4ece865b26628ecd039286d7244ab1a6fe123c258aa28235eb7f2c59ba5afed4820a0594fcb3799fe4888e1a355a0cf807af97cec5b7a53d7715216f08ba56d139de6dba77059d94c75f03d41ccca6546c214fd6a32278aecae9016ec1a3c7f8735298f51384f21555260d0e8577768b88c3e35640e169ea7269dcf641519cfd89dcc0d8f398eb944a4038109f5baca99fc81dd6f81d7549148f6f8a11eb4a39c85c2fe4d1d14607d044bda2d66cc6cad0235b023010cd7b690e26baacfa197343d432175c3e3359723bd8c2f370784d2f4067f5f46f88ac33193f9b9eca7072ee83999b423795ad9ca51475625e9b3afc38568e3314333549e8bc6440ff3e2458f69bfc10c015514810a2621a7b0ae65279f477a8f2cadfc093c19606d8a012d840661bcd8e45dde69710deeab4faca331ad6fedaa3b273bd49922a29bc01f636e8aa53b3ffec87680bb3355509920ac8f21c2a0ffe0b30bbebb8648153a79f2993fc5d8e277b78515d4ed6afde17909fdd1c93a5635311fe641f7325ba156469cf888e2bfb71affc6943cb3ef3c91ff2f935b6ad1fe5555e4a07e39f2e03770de2c327d2086277ad29b65c32beb9b0cd302451bc598c43c42208d43b2e5492f321d43eb3fcedc8b0a4d2a9fa31c42f0894a1641ceb828b8ab1b675a2b851f5149221dc2794959e9940bb34a9803a07a288aa45a31ff359136bd8df34a4f17ba82b2782eda77c38622b8e8d5af7bce197908aafea761dafb1f8a66cec928eca614cc424afaa0582939a1727f531782e7afd32b720fe53e6bd4e997d967b8649e10036802a4fd3aca6d7dcc43ed9671f41cb31";
    bytes constant SIBLINGS2_ALICE =
        hex"6c80e53fbda69755f4a6d0a2de173232cff0274c84d4670aa146c3185fe4a7ff90d4ed842065b4e4fb88a15ef403f17d93c9715667c50e75f20d3f50c9d74d923cb70dce5d6bd78855d72f4ed1ac70e5aaca9b9b5db22f686aced40e5d373eef7e33ae2bae08165296b0f1bc86ab239d40182c75b1aa49b3a457c9af2d140ac9361e83fb81447385704a04b701acaf2b462a69cf83af3fec52d432c5cb26afeb3453a4da3fbe780699501f72d3b67a24f281fa51f74d735961e3c527a0947ed201306a1c828e76a1121b4097bcb1d35ad36dee1c4736d7b42d439d8893362134c717122072da764d773fa315dcdfdab987308adfd3dd1e8730a965bef95eb64eaeeaa76244fb460dfed609137be3c1024581e41389413f344d53f34757f6319d8a02802f44bc6f7d06fe4e761495a401a2831f4865841289c56bb72dd5ce0486f00a51e8cf5122a341df0627a199d49df33af67683847b90dd7f5229607d433d50960aa6c8a93380c75a94ebcd104f71b48d0b1ba5ccac650461fed7c1a90b47f92dd16857fbf4d867aa6a28e588685b6c3cf3d3c3e56b9198e86e359efc3456efbe0b681a1e1d77f7f6f870dd7c7c9e743cc7655123086b2928bec88841ab0e71f012aa3ac80fc8efc47bb930d814d5025470c43975f1bcfcf56f475d29e0327f6ca50a2f4bec35ab931d992914ff8032a9926973db5a04254b650cc138044bd512fa549c482e316488e1df5645c52c3fd82d37bc72ee481d5055866376b343250432ebaa8ac771ecd44a30b7366516240b8fece3b327c36f0164009afda680daa90aae20c1067bb6a6ec2fd7f28f8f72eb5b14fcdf041ac8257a88bbee6e6a5f761f0fcccfb5d7710947462656eac07cef89ab0e8e2ec22033644002446011e2cbc2649b5a2ae4e71d37aa9dd808eb3dc01d07a56cbac68866040123d1e3215d939474aba84cb02df3dbccce0e41e577ddf53cb9a238098ab178339f54a644bb96a6d325aed3053acb4a0cb6d7c6fead87bcefd2444103345ee5cb796778db04de11061d5178c14c9739ba0ca50ca23645c23893effeaba79573856dcd9a8d45bec4898eb08ccb86eb4d44f56a8d8c899075ce4ffc0cdc3a6bf1123bbfdb68a6f5643d2a1cd82261eab0489cd778d85bc4aed0d75cf60678ae5b2e3bcf5056292193f796879566c8cb80e46bf003be5922e153ff0656e4e1ca28ca9b997aad5a483255eed65181b6b1a0f04b0485858fe7b10438eb022b1c89905581f5d9b6c470726ce544bd7c739534ce6f413bebbda3cd9da76e4e5f7821689efd163ded953b63ef7b1408761d2e8c49c9520cde0ed174c9f81cf8d2750efec59be26691cf20d03ec503278240483bbc3b086349a71f5f2d398b35d9bfa21a6aded16213cf73dcde7d2b782ab922d5d5b051968539267aa3e199315a414f291100a12d4008a3ba568fbf54b2ef15b2f3811edd6d97ee910bba42aee7a64be2d697cf481221a0be1fa39e675472e32665a2c9bfbe6801533609818faab4433d67cb063d579523d7515bb23672b4dafc6cee2d42e40e83df250b056fd313ce233ed6b0d6a8bba04616fc8ba3aabc142e93327c74ad74bcd83e850065305c7d4fc11cf5eb3f720ba87948687df03d3e16c799344a068cf0b4624d65cc081524bfbb52cfc0222258e06f60a5cf6ba859b826a600371909e71bea46f3f58d53034d5101587b49630c5f49985347aeccb2caca57160a9ea334622f00963c99103e225d602da653883938880af25b88f6e725ddd4d755cf512492c7a13c72673d6ab9490edeae7c3ec82e88bc94126b51eb5191415de92e1f2630fa200e30bfbd72edb686281b7ecf9cc32202c1b922b8ca99eb1ecd296bd071afd45f7ad8483ce908ece85d5acdc2eabc43bf31148d063f0225d2d72367ad320c24df15038193c51afa7b037f1b8597faf6c408128e55e0774ee9aad1b6296eee3bbad2339096ac90da1232608c288d47fc4eb1c34c0de470811f7a05772b5f0505109f9cc08951b54ed73d3258671c1c72be1b30c4e13c0be50a4ece865b26628ecd039286d7244ab1a6fe123c258aa28235eb7f2c59ba5afed4820a0594fcb3799fe4888e1a355a0cf807af97cec5b7a53d7715216f08ba56d139de6dba77059d94c75f03d41ccca6546c214fd6a32278aecae9016ec1a3c7f8735298f51384f21555260d0e8577768b88c3e35640e169ea7269dcf641519cfd89dcc0d8f398eb944a4038109f5baca99fc81dd6f81d7549148f6f8a11eb4a39c85c2fe4d1d14607d044bda2d66cc6cad0235b023010cd7b690e26baacfa197343d432175c3e3359723bd8c2f370784d2f4067f5f46f88ac33193f9b9eca7072ee83999b423795ad9ca51475625e9b3afc38568e3314333549e8bc6440ff3e2458f69bfc10c015514810a2621a7b0ae65279f477a8f2cadfc093c19606d8a012d840661bcd8e45dde69710deeab4faca331ad6fedaa3b273bd49922a29bc01f636e8aa53b3ffec87680bb3355509920ac8f21c2a0ffe0b30bbebb8648153a79f2993fc5d8e277b78515d4ed6afde17909fdd1c93a5635311fe641f7325ba156469cf888e2bfb71affc6943cb3ef3c91ff2f935b6ad1fe5555e4a07e39f2e03770de2c327d2086277ad29b65c32beb9b0cd302451bc598c43c42208d43b2e5492f321d43eb3fcedc8b0a4d2a9fa31c42f0894a1641ceb828b8ab1b675a2b851f5149221dc2794959e9940bb34a9803a07a288aa45a31ff359136bd8df34a4f17ba82b2782eda77c38622b8e8d5af7bce197908aafea761dafb1f8a66cec928eca614cc424afaa0582939a1727f531782e7afd32b720fe53e6bd4e997d967b8649e10036802a4fd3aca6d7dcc43ed9671f41cb31";
    bytes32 constant BOB_BALANCE_KEY = 0xe1d7b1baf490f78150d9011ae2ccc4de0be5f70e2cb110c4650c8b6534854bcb;
    uint64 constant BOB_BALANCE_NEXT = 1;
    bytes constant SIBLINGS2_BOB_BALANCE =
        hex"e3cdc93b3c2beb30f6a7c7cc45a32da012df9ae1be880e2c074885cb3f4e1e53c45bfaf4bb5d0fee27d3178b8475155a07a1fa8ada9a15133a9016f7d0435f0f5b2127e7a7f50e95cef01faecec7ad815a539c833def9dceea779c34344ba9257e33ae2bae08165296b0f1bc86ab239d40182c75b1aa49b3a457c9af2d140ac9361e83fb81447385704a04b701acaf2b462a69cf83af3fec52d432c5cb26afeb3453a4da3fbe780699501f72d3b67a24f281fa51f74d735961e3c527a0947ed201306a1c828e76a1121b4097bcb1d35ad36dee1c4736d7b42d439d8893362134c717122072da764d773fa315dcdfdab987308adfd3dd1e8730a965bef95eb64eaeeaa76244fb460dfed609137be3c1024581e41389413f344d53f34757f6319d8a02802f44bc6f7d06fe4e761495a401a2831f4865841289c56bb72dd5ce0486f00a51e8cf5122a341df0627a199d49df33af67683847b90dd7f5229607d433d50960aa6c8a93380c75a94ebcd104f71b48d0b1ba5ccac650461fed7c1a90b47f92dd16857fbf4d867aa6a28e588685b6c3cf3d3c3e56b9198e86e359efc3456efbe0b681a1e1d77f7f6f870dd7c7c9e743cc7655123086b2928bec88841ab0e71f012aa3ac80fc8efc47bb930d814d5025470c43975f1bcfcf56f475d29e0327f6ca50a2f4bec35ab931d992914ff8032a9926973db5a04254b650cc138044bd512fa549c482e316488e1df5645c52c3fd82d37bc72ee481d5055866376b343250432ebaa8ac771ecd44a30b7366516240b8fece3b327c36f0164009afda680daa90aae20c1067bb6a6ec2fd7f28f8f72eb5b14fcdf041ac8257a88bbee6e6a5f761f0fcccfb5d7710947462656eac07cef89ab0e8e2ec22033644002446011e2cbc2649b5a2ae4e71d37aa9dd808eb3dc01d07a56cbac68866040123d1e3215d939474aba84cb02df3dbccce0e41e577ddf53cb9a238098ab178339f54a644bb96a6d325aed3053acb4a0cb6d7c6fead87bcefd2444103345ee5cb796778db04de11061d5178c14c9739ba0ca50ca23645c23893effeaba79573856dcd9a8d45bec4898eb08ccb86eb4d44f56a8d8c899075ce4ffc0cdc3a6bf1123bbfdb68a6f5643d2a1cd82261eab0489cd778d85bc4aed0d75cf60678ae5b2e3bcf5056292193f796879566c8cb80e46bf003be5922e153ff0656e4e1ca28ca9b997aad5a483255eed65181b6b1a0f04b0485858fe7b10438eb022b1c89905581f5d9b6c470726ce544bd7c739534ce6f413bebbda3cd9da76e4e5f7821689efd163ded953b63ef7b1408761d2e8c49c9520cde0ed174c9f81cf8d2750efec59be26691cf20d03ec503278240483bbc3b086349a71f5f2d398b35d9bfa21a6aded16213cf73dcde7d2b782ab922d5d5b051968539267aa3e199315a414f291100a12d4008a3ba568fbf54b2ef15b2f3811edd6d97ee910bba42aee7a64be2d697cf481221a0be1fa39e675472e32665a2c9bfbe6801533609818faab4433d67cb063d579523d7515bb23672b4dafc6cee2d42e40e83df250b056fd313ce233ed6b0d6a8bba04616fc8ba3aabc142e93327c74ad74bcd83e850065305c7d4fc11cf5eb3f720ba87948687df03d3e16c799344a068cf0b4624d65cc081524bfbb52cfc0222258e06f60a5cf6ba859b826a600371909e71bea46f3f58d53034d5101587b49630c5f49985347aeccb2caca57160a9ea334622f00963c99103e225d602da653883938880af25b88f6e725ddd4d755cf512492c7a13c72673d6ab9490edeae7c3ec82e88bc94126b51eb5191415de92e1f2630fa200e30bfbd72edb686281b7ecf9cc32202c1b922b8ca99eb1ecd296bd071afd45f7ad8483ce908ece85d5acdc2eabc43bf31148d063f0225d2d72367ad320c24df15038193c51afa7b037f1b8597faf6c408128e55e0774ee9aad1b6296eee3bbad2339096ac90da1232608c288d47fc4eb1c34c0de470811f7a05772b5f0505109f9cc08951b54ed73d3258671c1c72be1b30c4e13c0be50a4ece865b26628ecd039286d7244ab1a6fe123c258aa28235eb7f2c59ba5afed4820a0594fcb3799fe4888e1a355a0cf807af97cec5b7a53d7715216f08ba56d139de6dba77059d94c75f03d41ccca6546c214fd6a32278aecae9016ec1a3c7f8735298f51384f21555260d0e8577768b88c3e35640e169ea7269dcf641519cfd89dcc0d8f398eb944a4038109f5baca99fc81dd6f81d7549148f6f8a11eb4a39c85c2fe4d1d14607d044bda2d66cc6cad0235b023010cd7b690e26baacfa197343d432175c3e3359723bd8c2f370784d2f4067f5f46f88ac33193f9b9eca7072ee83999b423795ad9ca51475625e9b3afc38568e3314333549e8bc6440ff3e2458f69bfc10c015514810a2621a7b0ae65279f477a8f2cadfc093c19606d8a012d840661bcd8e45dde69710deeab4faca331ad6fedaa3b273bd49922a29bc01f636e8aa53b3ffec87680bb3355509920ac8f21c2a0ffe0b30bbebb8648153a79f2993fc5d8e277b78515d4ed6afde17909fdd1c93a5635311fe641f7325ba156469cf888e2bfb71affc6943cb3ef3c91ff2f935b6ad1fe5555e4a07e39f2e03770de2c327d2086277ad29b65c32beb9b0cd302451bc598c43c42208d43b2e5492f321d43eb3fcedc8b0a4d2a9fa31c42f0894a1641ceb828b8ab1b675a2b851f5149221dc2794959e9940bb34a9803a07a288aa45a31ff359136bd8df34a4f17ba82b2782eda77c38622b8e8d5af7bce197908aafea761dafb1f8a66cec928eca614cc424afaa0582939a1727f531782e7afd32b720fe53e6bd4e997d967b8649e10036802a4fd3aca6d7dcc43ed9671f41cb31";
    bytes32 constant BOB_KEY = 0x1277c49d24c96610e19dd1299c0c632497e97683bef8cb5c770b55392ca0ab35;
    uint64 constant LEFT_INDEX = 0;
    bytes32 constant LEFT_KEY = 0x0000000000000000000000000000000000000000000000000000000000000000;
    bytes32 constant LEFT_VALUE = 0x0000000000000000000000000000000000000000000000000000000000000000;
    uint64 constant LEFT_NEXT = 3;
    bytes constant LEFT_SIBLINGS =
        hex"dab522d2b5e602df0995bbcd5d4cd5c57ac38a22008b78e7926cb8a35614b79903089b1f45d7f6ac7d1632113e9964878a787547152c015fe7caf483a5f61b743cb70dce5d6bd78855d72f4ed1ac70e5aaca9b9b5db22f686aced40e5d373eef7e33ae2bae08165296b0f1bc86ab239d40182c75b1aa49b3a457c9af2d140ac9361e83fb81447385704a04b701acaf2b462a69cf83af3fec52d432c5cb26afeb3453a4da3fbe780699501f72d3b67a24f281fa51f74d735961e3c527a0947ed201306a1c828e76a1121b4097bcb1d35ad36dee1c4736d7b42d439d8893362134c717122072da764d773fa315dcdfdab987308adfd3dd1e8730a965bef95eb64eaeeaa76244fb460dfed609137be3c1024581e41389413f344d53f34757f6319d8a02802f44bc6f7d06fe4e761495a401a2831f4865841289c56bb72dd5ce0486f00a51e8cf5122a341df0627a199d49df33af67683847b90dd7f5229607d433d50960aa6c8a93380c75a94ebcd104f71b48d0b1ba5ccac650461fed7c1a90b47f92dd16857fbf4d867aa6a28e588685b6c3cf3d3c3e56b9198e86e359efc3456efbe0b681a1e1d77f7f6f870dd7c7c9e743cc7655123086b2928bec88841ab0e71f012aa3ac80fc8efc47bb930d814d5025470c43975f1bcfcf56f475d29e0327f6ca50a2f4bec35ab931d992914ff8032a9926973db5a04254b650cc138044bd512fa549c482e316488e1df5645c52c3fd82d37bc72ee481d5055866376b343250432ebaa8ac771ecd44a30b7366516240b8fece3b327c36f0164009afda680daa90aae20c1067bb6a6ec2fd7f28f8f72eb5b14fcdf041ac8257a88bbee6e6a5f761f0fcccfb5d7710947462656eac07cef89ab0e8e2ec22033644002446011e2cbc2649b5a2ae4e71d37aa9dd808eb3dc01d07a56cbac68866040123d1e3215d939474aba84cb02df3dbccce0e41e577ddf53cb9a238098ab178339f54a644bb96a6d325aed3053acb4a0cb6d7c6fead87bcefd2444103345ee5cb796778db04de11061d5178c14c9739ba0ca50ca23645c23893effeaba79573856dcd9a8d45bec4898eb08ccb86eb4d44f56a8d8c899075ce4ffc0cdc3a6bf1123bbfdb68a6f5643d2a1cd82261eab0489cd778d85bc4aed0d75cf60678ae5b2e3bcf5056292193f796879566c8cb80e46bf003be5922e153ff0656e4e1ca28ca9b997aad5a483255eed65181b6b1a0f04b0485858fe7b10438eb022b1c89905581f5d9b6c470726ce544bd7c739534ce6f413bebbda3cd9da76e4e5f7821689efd163ded953b63ef7b1408761d2e8c49c9520cde0ed174c9f81cf8d2750efec59be26691cf20d03ec503278240483bbc3b086349a71f5f2d398b35d9bfa21a6aded16213cf73dcde7d2b782ab922d5d5b051968539267aa3e199315a414f291100a12d4008a3ba568fbf54b2ef15b2f3811edd6d97ee910bba42aee7a64be2d697cf481221a0be1fa39e675472e32665a2c9bfbe6801533609818faab4433d67cb063d579523d7515bb23672b4dafc6cee2d42e40e83df250b056fd313ce233ed6b0d6a8bba04616fc8ba3aabc142e93327c74ad74bcd83e850065305c7d4fc11cf5eb3f720ba87948687df03d3e16c799344a068cf0b4624d65cc081524bfbb52cfc0222258e06f60a5cf6ba859b826a600371909e71bea46f3f58d53034d5101587b49630c5f49985347aeccb2caca57160a9ea334622f00963c99103e225d602da653883938880af25b88f6e725ddd4d755cf512492c7a13c72673d6ab9490edeae7c3ec82e88bc94126b51eb5191415de92e1f2630fa200e30bfbd72edb686281b7ecf9cc32202c1b922b8ca99eb1ecd296bd071afd45f7ad8483ce908ece85d5acdc2eabc43bf31148d063f0225d2d72367ad320c24df15038193c51afa7b037f1b8597faf6c408128e55e0774ee9aad1b6296eee3bbad2339096ac90da1232608c288d47fc4eb1c34c0de470811f7a05772b5f0505109f9cc08951b54ed73d3258671c1c72be1b30c4e13c0be50a4ece865b26628ecd039286d7244ab1a6fe123c258aa28235eb7f2c59ba5afed4820a0594fcb3799fe4888e1a355a0cf807af97cec5b7a53d7715216f08ba56d139de6dba77059d94c75f03d41ccca6546c214fd6a32278aecae9016ec1a3c7f8735298f51384f21555260d0e8577768b88c3e35640e169ea7269dcf641519cfd89dcc0d8f398eb944a4038109f5baca99fc81dd6f81d7549148f6f8a11eb4a39c85c2fe4d1d14607d044bda2d66cc6cad0235b023010cd7b690e26baacfa197343d432175c3e3359723bd8c2f370784d2f4067f5f46f88ac33193f9b9eca7072ee83999b423795ad9ca51475625e9b3afc38568e3314333549e8bc6440ff3e2458f69bfc10c015514810a2621a7b0ae65279f477a8f2cadfc093c19606d8a012d840661bcd8e45dde69710deeab4faca331ad6fedaa3b273bd49922a29bc01f636e8aa53b3ffec87680bb3355509920ac8f21c2a0ffe0b30bbebb8648153a79f2993fc5d8e277b78515d4ed6afde17909fdd1c93a5635311fe641f7325ba156469cf888e2bfb71affc6943cb3ef3c91ff2f935b6ad1fe5555e4a07e39f2e03770de2c327d2086277ad29b65c32beb9b0cd302451bc598c43c42208d43b2e5492f321d43eb3fcedc8b0a4d2a9fa31c42f0894a1641ceb828b8ab1b675a2b851f5149221dc2794959e9940bb34a9803a07a288aa45a31ff359136bd8df34a4f17ba82b2782eda77c38622b8e8d5af7bce197908aafea761dafb1f8a66cec928eca614cc424afaa0582939a1727f531782e7afd32b720fe53e6bd4e997d967b8649e10036802a4fd3aca6d7dcc43ed9671f41cb31";
    uint64 constant RIGHT_INDEX = 3;
    bytes32 constant RIGHT_KEY = 0x17e9979ba9d86fc7ad35b2fd8568fd308e1f44d00fd3ddea3977de0ba3adb931;
    bytes32 constant RIGHT_VALUE = 0x000000000000000000000000000000000000000000000000000000000ee6b280;
    uint64 constant RIGHT_NEXT = 2;
    bytes constant RIGHT_SIBLINGS =
        hex"706d066d8b9b7d5e632ad23df3a6d7561cedf43f0642cdc00ab57060a73b8e8290d4ed842065b4e4fb88a15ef403f17d93c9715667c50e75f20d3f50c9d74d923cb70dce5d6bd78855d72f4ed1ac70e5aaca9b9b5db22f686aced40e5d373eef7e33ae2bae08165296b0f1bc86ab239d40182c75b1aa49b3a457c9af2d140ac9361e83fb81447385704a04b701acaf2b462a69cf83af3fec52d432c5cb26afeb3453a4da3fbe780699501f72d3b67a24f281fa51f74d735961e3c527a0947ed201306a1c828e76a1121b4097bcb1d35ad36dee1c4736d7b42d439d8893362134c717122072da764d773fa315dcdfdab987308adfd3dd1e8730a965bef95eb64eaeeaa76244fb460dfed609137be3c1024581e41389413f344d53f34757f6319d8a02802f44bc6f7d06fe4e761495a401a2831f4865841289c56bb72dd5ce0486f00a51e8cf5122a341df0627a199d49df33af67683847b90dd7f5229607d433d50960aa6c8a93380c75a94ebcd104f71b48d0b1ba5ccac650461fed7c1a90b47f92dd16857fbf4d867aa6a28e588685b6c3cf3d3c3e56b9198e86e359efc3456efbe0b681a1e1d77f7f6f870dd7c7c9e743cc7655123086b2928bec88841ab0e71f012aa3ac80fc8efc47bb930d814d5025470c43975f1bcfcf56f475d29e0327f6ca50a2f4bec35ab931d992914ff8032a9926973db5a04254b650cc138044bd512fa549c482e316488e1df5645c52c3fd82d37bc72ee481d5055866376b343250432ebaa8ac771ecd44a30b7366516240b8fece3b327c36f0164009afda680daa90aae20c1067bb6a6ec2fd7f28f8f72eb5b14fcdf041ac8257a88bbee6e6a5f761f0fcccfb5d7710947462656eac07cef89ab0e8e2ec22033644002446011e2cbc2649b5a2ae4e71d37aa9dd808eb3dc01d07a56cbac68866040123d1e3215d939474aba84cb02df3dbccce0e41e577ddf53cb9a238098ab178339f54a644bb96a6d325aed3053acb4a0cb6d7c6fead87bcefd2444103345ee5cb796778db04de11061d5178c14c9739ba0ca50ca23645c23893effeaba79573856dcd9a8d45bec4898eb08ccb86eb4d44f56a8d8c899075ce4ffc0cdc3a6bf1123bbfdb68a6f5643d2a1cd82261eab0489cd778d85bc4aed0d75cf60678ae5b2e3bcf5056292193f796879566c8cb80e46bf003be5922e153ff0656e4e1ca28ca9b997aad5a483255eed65181b6b1a0f04b0485858fe7b10438eb022b1c89905581f5d9b6c470726ce544bd7c739534ce6f413bebbda3cd9da76e4e5f7821689efd163ded953b63ef7b1408761d2e8c49c9520cde0ed174c9f81cf8d2750efec59be26691cf20d03ec503278240483bbc3b086349a71f5f2d398b35d9bfa21a6aded16213cf73dcde7d2b782ab922d5d5b051968539267aa3e199315a414f291100a12d4008a3ba568fbf54b2ef15b2f3811edd6d97ee910bba42aee7a64be2d697cf481221a0be1fa39e675472e32665a2c9bfbe6801533609818faab4433d67cb063d579523d7515bb23672b4dafc6cee2d42e40e83df250b056fd313ce233ed6b0d6a8bba04616fc8ba3aabc142e93327c74ad74bcd83e850065305c7d4fc11cf5eb3f720ba87948687df03d3e16c799344a068cf0b4624d65cc081524bfbb52cfc0222258e06f60a5cf6ba859b826a600371909e71bea46f3f58d53034d5101587b49630c5f49985347aeccb2caca57160a9ea334622f00963c99103e225d602da653883938880af25b88f6e725ddd4d755cf512492c7a13c72673d6ab9490edeae7c3ec82e88bc94126b51eb5191415de92e1f2630fa200e30bfbd72edb686281b7ecf9cc32202c1b922b8ca99eb1ecd296bd071afd45f7ad8483ce908ece85d5acdc2eabc43bf31148d063f0225d2d72367ad320c24df15038193c51afa7b037f1b8597faf6c408128e55e0774ee9aad1b6296eee3bbad2339096ac90da1232608c288d47fc4eb1c34c0de470811f7a05772b5f0505109f9cc08951b54ed73d3258671c1c72be1b30c4e13c0be50a4ece865b26628ecd039286d7244ab1a6fe123c258aa28235eb7f2c59ba5afed4820a0594fcb3799fe4888e1a355a0cf807af97cec5b7a53d7715216f08ba56d139de6dba77059d94c75f03d41ccca6546c214fd6a32278aecae9016ec1a3c7f8735298f51384f21555260d0e8577768b88c3e35640e169ea7269dcf641519cfd89dcc0d8f398eb944a4038109f5baca99fc81dd6f81d7549148f6f8a11eb4a39c85c2fe4d1d14607d044bda2d66cc6cad0235b023010cd7b690e26baacfa197343d432175c3e3359723bd8c2f370784d2f4067f5f46f88ac33193f9b9eca7072ee83999b423795ad9ca51475625e9b3afc38568e3314333549e8bc6440ff3e2458f69bfc10c015514810a2621a7b0ae65279f477a8f2cadfc093c19606d8a012d840661bcd8e45dde69710deeab4faca331ad6fedaa3b273bd49922a29bc01f636e8aa53b3ffec87680bb3355509920ac8f21c2a0ffe0b30bbebb8648153a79f2993fc5d8e277b78515d4ed6afde17909fdd1c93a5635311fe641f7325ba156469cf888e2bfb71affc6943cb3ef3c91ff2f935b6ad1fe5555e4a07e39f2e03770de2c327d2086277ad29b65c32beb9b0cd302451bc598c43c42208d43b2e5492f321d43eb3fcedc8b0a4d2a9fa31c42f0894a1641ceb828b8ab1b675a2b851f5149221dc2794959e9940bb34a9803a07a288aa45a31ff359136bd8df34a4f17ba82b2782eda77c38622b8e8d5af7bce197908aafea761dafb1f8a66cec928eca614cc424afaa0582939a1727f531782e7afd32b720fe53e6bd4e997d967b8649e10036802a4fd3aca6d7dcc43ed9671f41cb31";

    StateTreeExodusVerifier internal stateVerifier;

    function setUp() public override {
        super.setUp();
        stateVerifier = new StateTreeExodusVerifier(address(bridgehub), governance);
    }

    function _data(uint256 n) internal pure returns (bytes memory d) {
        d = new bytes(n);
        for (uint256 i; i < n; ++i) {
            d[i] = bytes1(uint8(i * 7 + 1));
        }
    }

    function test_Blake2sVectors() public {
        Blake2sHarness b = new Blake2sHarness();
        assertEq(b.hash(""), 0x69217a3079908094e11121d042354a7c1f55b6482ca1a51e1b250dfd1ed0eef9);
        assertEq(b.hash("abc"), 0x508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982);
        assertEq(b.hash(_data(3)), 0xf91a7474b1f43009c814ec8bab4374ef7aba753071f735c20ae1b1d5682839d1);
        assertEq(b.hash(_data(32)), 0xe6e1057506c6cf66fa99742f8b97c47bef5fbbfc60e38ac33f2125133bfec77b);
        assertEq(b.hash(_data(64)), 0x1aa2abc48784c4b7b509e56540ccde672903c613c7aa32c1396e10d716351dfe);
        assertEq(b.hash(_data(65)), 0x6abfa13e2982b1bbba3b960049261555c146e4aa817ef504bac543407bdec579);
        assertEq(b.hash(_data(72)), 0x077f12e92a06a5797cb6ca819ab43a040c4b8cc6931b54a0b2610458c22f1bee);
        assertEq(b.hash(_data(88)), 0xf947c48c1a07a763e417ce87e699a29fe191ab90ca96165623b51f2123d34023);
        assertEq(b.hash(_data(128)), 0x967fcb84c270978f862307b30b51e082f41ee21bff4088f1b3c399a1da06d61a);
        assertEq(b.hash(_data(200)), 0xfb43513967b91a1385b044775d3a26fd120023d71a0a8003c0a00c5701e7b335);
    }

    function _proof(uint256 _balance) internal pure returns (bytes memory) {
        bytes32[] memory siblings = abi.decode(abi.encodePacked(uint256(32), uint256(64), SIBLINGS), (bytes32[]));
        return abi.encode(
            StateTreeExodusVerifier.StateCommitmentPreimage({
                treeRoot: ROOT,
                nextFreeIndex: 3,
                blockNumber: 42,
                blockHash: bytes32(uint256(0x1111111111111111111111111111111111111111111111111111111111111111)),
                timestamp: 1_700_000_000
            }),
            StateTreeExodusVerifier.AccountLeafProof({
                index: 2, next: 1, siblings: siblings, nonce: 3, balance: _balance, codeHash: keccak256("")
            })
        );
    }

    function test_VerifiesPythonVector() public view {
        assertEq(stateVerifier.accountKey(alice), ACCOUNT_KEY);
        assertTrue(
            stateVerifier.verifyBalance(CHAIN_ID, COMMITMENT, alice, ETH_TOKEN_ADDRESS, 7 ether, _proof(7 ether))
        );
        assertFalse(
            stateVerifier.verifyBalance(CHAIN_ID, COMMITMENT, alice, ETH_TOKEN_ADDRESS, 8 ether, _proof(7 ether))
        );
        assertFalse(
            stateVerifier.verifyBalance(CHAIN_ID, COMMITMENT, alice, ETH_TOKEN_ADDRESS, 8 ether, _proof(8 ether))
        );
        assertFalse(stateVerifier.verifyBalance(CHAIN_ID, COMMITMENT, bob, ETH_TOKEN_ADDRESS, 7 ether, _proof(7 ether)));
        assertFalse(
            stateVerifier.verifyBalance(
                CHAIN_ID, keccak256("other"), alice, ETH_TOKEN_ADDRESS, 7 ether, _proof(7 ether)
            )
        );
    }

    function test_AccountValueAndCommitmentHelpers() public view {
        assertEq(stateVerifier.accountValue(0, 0, bytes32(0)), bytes32(0));
        assertEq(stateVerifier.accountValue(0, 0, keccak256("")), bytes32(0));
        assertTrue(stateVerifier.accountValue(1, 0, keccak256("")) != bytes32(0));
        StateTreeExodusVerifier.StateCommitmentPreimage memory c = StateTreeExodusVerifier.StateCommitmentPreimage({
            treeRoot: ROOT,
            nextFreeIndex: 3,
            blockNumber: 42,
            blockHash: bytes32(uint256(0x1111111111111111111111111111111111111111111111111111111111111111)),
            timestamp: 1_700_000_000
        });
        assertEq(stateVerifier.stateCommitmentHash(c), COMMITMENT);
    }

    function test_RevertWhen_ProofHasWrongDepth() public {
        bytes memory p = _proof(7 ether);
        (StateTreeExodusVerifier.StateCommitmentPreimage memory c, StateTreeExodusVerifier.AccountLeafProof memory l) =
            abi.decode(p, (StateTreeExodusVerifier.StateCommitmentPreimage, StateTreeExodusVerifier.AccountLeafProof));
        l.siblings = new bytes32[](63);
        vm.expectRevert(InvalidExodusProof.selector);
        stateVerifier.verifyBalance(CHAIN_ID, COMMITMENT, alice, ETH_TOKEN_ADDRESS, 7 ether, abi.encode(c, l));
    }

    function test_RevertWhen_ClaimingForAContractAccount() public {
        bytes memory p = _proof(7 ether);
        (StateTreeExodusVerifier.StateCommitmentPreimage memory c, StateTreeExodusVerifier.AccountLeafProof memory l) =
            abi.decode(p, (StateTreeExodusVerifier.StateCommitmentPreimage, StateTreeExodusVerifier.AccountLeafProof));
        l.codeHash = keccak256("some code");
        vm.expectRevert(ExodusClaimsNotImplemented.selector);
        stateVerifier.verifyBalance(CHAIN_ID, COMMITMENT, alice, ETH_TOKEN_ADDRESS, 7 ether, abi.encode(c, l));
    }

    function test_RevertWhen_ClaimingNonBaseToken() public {
        vm.expectRevert(ExodusClaimsNotImplemented.selector);
        stateVerifier.verifyBalance(CHAIN_ID, COMMITMENT, alice, address(token), 7 ether, _proof(7 ether));
        UnimplementedExodusVerifier u = new UnimplementedExodusVerifier();
        vm.expectRevert(ExodusClaimsNotImplemented.selector);
        u.verifyBalance(CHAIN_ID, COMMITMENT, alice, ETH_TOKEN_ADDRESS, 1, "");
    }

    /// @dev End to end: the chain's last executed batch has the vector's state commitment, the oldest priority op
    /// expires, and alice takes her 7 ETH out exactly once.
    function test_ExodusClaimWithStateTreeProof() public {
        vm.prank(governance);
        chain.setExodusVerifier(address(stateVerifier));
        bytes32 h = _depositEth(bob, 10 ether);
        _settle(COMMITMENT, _txs1(h), bytes32(0));
        _depositEth(bob, 1 ether); // censored
        vm.warp(block.timestamp + PRIORITY_EXPIRATION + 1);
        chain.activateExodusMode();
        bytes memory proof = _proof(7 ether);
        uint256 before = alice.balance;
        uint256 g = gasleft();
        chain.claimExodusBalance(alice, ETH_TOKEN_ADDRESS, 7 ether, proof);
        emit log_named_uint("exodus claim gas (64-deep Blake2s path)", g - gasleft());
        assertEq(alice.balance, before + 7 ether);
        vm.expectRevert(abi.encodeWithSelector(ExodusClaimAlreadyDone.selector, alice, ETH_TOKEN_ADDRESS));
        chain.claimExodusBalance(alice, ETH_TOKEN_ADDRESS, 7 ether, proof);
    }

    // ------------------------------------------------------------------ ERC-20 balances

    address internal constant L2_TOKEN = address(0xABcD);

    function _siblings(bytes memory _packed) internal pure returns (bytes32[] memory) {
        return abi.decode(abi.encodePacked(uint256(32), uint256(64), _packed), (bytes32[]));
    }

    function _preimage2() internal pure returns (StateTreeExodusVerifier.StateCommitmentPreimage memory) {
        return StateTreeExodusVerifier.StateCommitmentPreimage({
            treeRoot: ROOT2,
            nextFreeIndex: 3,
            blockNumber: 42,
            blockHash: bytes32(uint256(0x1111111111111111111111111111111111111111111111111111111111111111)),
            timestamp: 1_700_000_000
        });
    }

    function _balanceLeaf(uint256 _amount) internal pure returns (StateTreeExodusVerifier.LeafProof memory) {
        return StateTreeExodusVerifier.LeafProof({
            index: 3,
            key: BALANCE_KEY,
            value: bytes32(_amount),
            next: BALANCE_NEXT,
            siblings: _siblings(SIBLINGS2_BALANCE)
        });
    }

    function _aliceEoa() internal view returns (StateTreeExodusVerifier.EoaProof memory e) {
        e.present = true;
        e.account = StateTreeExodusVerifier.LeafProof({
            index: 2,
            key: ACCOUNT_KEY,
            value: stateVerifier.accountValue(3, 7 ether, keccak256("")),
            next: ALICE_NEXT2,
            siblings: _siblings(SIBLINGS2_ALICE)
        });
        e.nonce = 3;
        e.balance = 7 ether;
        e.codeHash = keccak256("");
        e.right.siblings = new bytes32[](0);
    }

    function _registerToken() internal {
        vm.prank(governance);
        stateVerifier.setTokenLayout(CHAIN_ID, address(token), L2_TOKEN, 0);
    }

    function test_Erc20ClaimWithPresentEoa() public {
        _registerToken();
        assertEq(stateVerifier.treeKey(L2_TOKEN, keccak256(abi.encode(alice, uint256(0)))), BALANCE_KEY);
        bytes memory proof = abi.encode(_preimage2(), _balanceLeaf(250e6), _aliceEoa());
        assertTrue(stateVerifier.verifyBalance(CHAIN_ID, COMMITMENT2, alice, address(token), 250e6, proof));
        assertFalse(stateVerifier.verifyBalance(CHAIN_ID, COMMITMENT2, alice, address(token), 251e6, proof));
        bytes memory inflated = abi.encode(_preimage2(), _balanceLeaf(251e6), _aliceEoa());
        assertFalse(stateVerifier.verifyBalance(CHAIN_ID, COMMITMENT2, alice, address(token), 251e6, inflated));
    }

    function _bobAbsent() internal pure returns (StateTreeExodusVerifier.EoaProof memory e) {
        e.present = false;
        e.account = StateTreeExodusVerifier.LeafProof({
            index: LEFT_INDEX, key: LEFT_KEY, value: LEFT_VALUE, next: LEFT_NEXT, siblings: _siblings(LEFT_SIBLINGS)
        });
        e.right = StateTreeExodusVerifier.LeafProof({
            index: RIGHT_INDEX,
            key: RIGHT_KEY,
            value: RIGHT_VALUE,
            next: RIGHT_NEXT,
            siblings: _siblings(RIGHT_SIBLINGS)
        });
    }

    /// @dev bob holds tokens but never sent a transaction: no account leaf, so he proves its absence.
    function test_Erc20ClaimOfAnAccountWithoutLeaf() public {
        _registerToken();
        assertEq(stateVerifier.accountKey(bob), BOB_KEY);
        StateTreeExodusVerifier.LeafProof memory bal = StateTreeExodusVerifier.LeafProof({
            index: 4,
            key: BOB_BALANCE_KEY,
            value: bytes32(uint256(40e6)),
            next: BOB_BALANCE_NEXT,
            siblings: _siblings(SIBLINGS2_BOB_BALANCE)
        });
        bytes memory proof = abi.encode(_preimage2(), bal, _bobAbsent());
        assertTrue(stateVerifier.verifyBalance(CHAIN_ID, COMMITMENT2, bob, address(token), 40e6, proof));
        // alice cannot use an absence proof: her account exists, the neighbours do not bracket her key
        bytes memory aliceWithAbsence = abi.encode(_preimage2(), _balanceLeaf(250e6), _bobAbsent());
        assertFalse(stateVerifier.verifyBalance(CHAIN_ID, COMMITMENT2, alice, address(token), 250e6, aliceWithAbsence));
        // nor can bob use alice's balance leaf
        bytes memory stolen = abi.encode(_preimage2(), _balanceLeaf(250e6), _bobAbsent());
        assertFalse(stateVerifier.verifyBalance(CHAIN_ID, COMMITMENT2, bob, address(token), 250e6, stolen));
    }

    function test_RevertWhen_Erc20LayoutNotRegisteredOrByNonOwner() public {
        bytes memory proof = abi.encode(_preimage2(), _balanceLeaf(250e6), _aliceEoa());
        vm.expectRevert(ExodusClaimsNotImplemented.selector);
        stateVerifier.verifyBalance(CHAIN_ID, COMMITMENT2, alice, address(token), 250e6, proof);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, alice));
        vm.prank(alice);
        stateVerifier.setTokenLayout(CHAIN_ID, address(token), L2_TOKEN, 0);
    }

    /// @dev End to end: alice's ERC-20 balance comes back from the shared bridge in exodus mode, once.
    function test_Erc20ExodusClaimEndToEnd() public {
        _registerToken();
        vm.prank(governance);
        chain.setExodusVerifier(address(stateVerifier));
        bytes32 h = _depositToken(bob, 300e6);
        _settle(COMMITMENT2, _txs1(h), bytes32(0));
        _depositEth(bob, 1 ether); // censored
        vm.warp(block.timestamp + PRIORITY_EXPIRATION + 1);
        chain.activateExodusMode();
        bytes memory proof = abi.encode(_preimage2(), _balanceLeaf(250e6), _aliceEoa());
        chain.claimExodusBalance(alice, address(token), 250e6, proof);
        assertEq(token.balanceOf(alice), 250e6);
        assertEq(sharedBridge.chainBalance(CHAIN_ID, address(token)), 50e6);
        vm.expectRevert(abi.encodeWithSelector(ExodusClaimAlreadyDone.selector, alice, address(token)));
        chain.claimExodusBalance(alice, address(token), 250e6, proof);
    }
}
